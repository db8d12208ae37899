// A minimal static server for the bench on 127.0.0.1 (random port): `/page/…` is the bundled bench
// page, `/ledgers/…` the cached ledgers. No SPA fallback, no traversal out of a root.
import { createServer } from 'node:http';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';

const SMALL = 1 << 20;
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.ndjson': 'application/x-ndjson', '.note': 'text/plain; charset=utf-8', '.map': 'application/json' };

/** Serve `mounts` ({prefix: dir}); resolves to {url, close()}. */
export function serve(mounts) {
  const roots = Object.entries(mounts).map(([p, d]) => [p, resolve(d)]);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const m = roots.find(([p]) => path.startsWith(p));
    const file = m ? resolve(m[1], '.' + path.slice(m[0].length - 1)) : null;
    let size = -1;
    try {
      if (file && (file === m[1] || file.startsWith(m[1] + sep))) {
        const st = statSync(file);
        size = st.isFile() ? st.size : -1;
      }
    } catch {
      size = -1;
    }
    if (size < 0) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': size, 'cache-control': 'no-store' });
    // Small files in one read and one write (the 10k ledger is ~225 of them, and this server shares
    // the two cores with the browser it serves); large segments stream.
    if (size <= SMALL) res.end(readFileSync(file));
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((c) => server.close(c)) }))
  );
}
