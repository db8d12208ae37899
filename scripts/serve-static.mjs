#!/usr/bin/env node
// A tiny static file server for the built app (`build/`), used by Playwright and for trying the
// production build by hand: `node scripts/serve-static.mjs [--port 4173] [--root build]`.
// - SPA fallback: a path with no file gets `404.html` (adapter-static `fallback`) with status 200,
//   so deep links such as /account/alice/ work from any static host that serves the fallback.
// - No directory traversal: the resolved path must stay under the root.
// - MIME types include .mjs/.js as text/javascript and .wasm as application/wasm.
// - `--cors`: add `Access-Control-Allow-Origin: *` (a bundle host on another origin, for e2e).
// - `--mkdir`: create the root if it is missing (a fixture folder filled after start-up).
import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';

const args = process.argv.slice(2);
function arg(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const port = Number(arg('port', process.env.PORT ?? '4173'));
const root = resolve(arg('root', 'build'));
const fallback = join(root, '404.html');
const cors = args.includes('--cors');

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ndjson': 'application/x-ndjson',
  '.note': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2'
};

if (args.includes('--mkdir')) mkdirSync(root, { recursive: true });
if (!existsSync(root)) {
  console.error(`serve-static: ${root} does not exist; run \`npm run build\` first`);
  process.exit(1);
}

/** Resolve a URL path to a file under root, or null. Never leaves root. */
function resolveFile(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { error: 400 };
  }
  if (decoded.includes('\0')) return { error: 400 };
  const full = resolve(root, '.' + decoded);
  if (full !== root && !full.startsWith(root + sep)) return { error: 403 };
  const candidates = [full, join(full, 'index.html'), full + '.html'];
  for (const c of candidates) {
    try {
      if (statSync(c).isFile()) return { file: c };
    } catch {
      /* try the next candidate */
    }
  }
  return { file: null };
}

const server = createServer((req, res) => {
  if (cors && req.method === 'OPTIONS') {
    res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD' }).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const r = resolveFile(url.pathname);
  if (r.error) {
    res.writeHead(r.error, { 'content-type': 'text/plain' }).end(String(r.error));
    return;
  }
  // Missing assets under /_app/ are real 404s; anything else falls back to the SPA shell.
  let file = r.file;
  const status = 200;
  if (!file) {
    // A path with a file extension is a missing file; a folder-like path (trailing slash, or no
    // extension) is an app route. Note extname('/policy/econ-1.0.0/') is '.0', hence the slash test.
    const looksLikeFile = !url.pathname.endsWith('/') && extname(url.pathname) !== '';
    if (url.pathname.startsWith('/_app/') || looksLikeFile || !existsSync(fallback)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    file = fallback;
  }
  const size = statSync(file).size;
  const headers = {
    'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff'
  };
  if (cors) headers['access-control-allow-origin'] = '*';
  res.writeHead(status, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
});

server.listen(port, '127.0.0.1', () => {
  console.log(`serve-static: http://127.0.0.1:${port}/ serving ${root}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
