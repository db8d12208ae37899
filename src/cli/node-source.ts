// BundleSource over the file system and http(s) for the CLI (docs/BUNDLE_FORMAT.md §6). A bundle
// argument is a directory, the path of its manifest.json, or an http(s) URL of either. Missing
// files become BundleSourceError('missing'), other failures BundleSourceError('io').

import { createReadStream, readFileSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { BundleSourceError, type BundleSource } from '../lib/core/bundle-source';
import { isBundlePath } from '../lib/core/manifest';

const fsError = (path: string, e: unknown): BundleSourceError => {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new BundleSourceError(path, 'missing', `${path}: no such file`);
  return new BundleSourceError(path, 'io', `${path}: ${(e as Error).message}`);
};

function checkPath(path: string): void {
  if (!isBundlePath(path)) throw new BundleSourceError(path, 'missing', `refusing the unsafe bundle path ${JSON.stringify(path)}`);
}

export class FsSource implements BundleSource {
  readonly label: string;
  /** `manifestName`: the manifest's file name in `dir` (manifest.json unless a manifest path said otherwise). */
  constructor(
    readonly dir: string,
    readonly manifestName = 'manifest.json'
  ) {
    this.label = dir;
  }
  async manifest(): Promise<Uint8Array> {
    const path = join(this.dir, this.manifestName);
    try {
      return new Uint8Array(await readFile(path));
    } catch (e) {
      throw fsError(path, e);
    }
  }
  async *stream(path: string): AsyncIterable<Uint8Array> {
    checkPath(path);
    const s = createReadStream(join(this.dir, path), { highWaterMark: 1 << 18 }); // 256 KiB: the chunk held across a batch check is promoted (issue 7; lines are copied out, line-slabs.ts)
    try {
      for await (const chunk of s) yield new Uint8Array((chunk as Buffer).buffer, (chunk as Buffer).byteOffset, (chunk as Buffer).length);
    } catch (e) {
      throw fsError(path, e);
    } finally {
      s.destroy();
    }
  }
  /**
   * A whole small file (notes, content), read synchronously: fs.promises.readFile costs ~65 µs of
   * CPU per small file in FileHandle and promise bookkeeping against ~10 µs for readFileSync, and a
   * 1M-event bundle has ~20,000 of them (issue 7). Files are local and capped (LIMITS), so the
   * event loop waits only as long as the read itself.
   */
  async read(path: string): Promise<Uint8Array> {
    checkPath(path);
    try {
      const b = readFileSync(join(this.dir, path));
      // Its own memory, as before (a Buffer can be a slice of Node's shared pool): a view when it owns its ArrayBuffer, else a copy.
      return b.byteOffset === 0 && b.buffer.byteLength === b.length ? new Uint8Array(b.buffer, 0, b.length) : new Uint8Array(b);
    } catch (e) {
      throw fsError(path, e);
    }
  }
}

export class HttpSource implements BundleSource {
  readonly label: string;
  readonly #base: string;
  constructor(url: string) {
    const u = new URL(url);
    if (u.pathname.endsWith('/manifest.json')) u.pathname = u.pathname.slice(0, -'manifest.json'.length);
    else if (!u.pathname.endsWith('/')) u.pathname += '/';
    this.#base = u.toString();
    this.label = this.#base;
  }
  async #get(path: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.#base));
    } catch (e) {
      throw new BundleSourceError(path, 'io', `${path}: ${(e as Error).message}`);
    }
    if (!res.ok || !res.body) throw new BundleSourceError(path, res.status === 404 ? 'missing' : 'io', `${path}: HTTP ${res.status}`);
    return res;
  }
  async manifest(): Promise<Uint8Array> {
    return new Uint8Array(await (await this.#get('manifest.json')).arrayBuffer());
  }
  async *stream(path: string): AsyncIterable<Uint8Array> {
    checkPath(path);
    const res = await this.#get(path);
    const reader = res.body!.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        yield value;
      }
    } catch (e) {
      throw new BundleSourceError(path, 'io', `${path}: ${(e as Error).message}`);
    } finally {
      reader.releaseLock();
    }
  }
  async read(path: string): Promise<Uint8Array> {
    checkPath(path);
    return new Uint8Array(await (await this.#get(path)).arrayBuffer());
  }
}

/** A bundle manifest under another name: canonical JSON whose first key is "checkpoints" and that names the format. */
async function looksLikeManifest(path: string): Promise<boolean> {
  let head: string;
  try {
    const fh = await open(path, 'r');
    try {
      const buf = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      head = buf.subarray(0, bytesRead).toString('latin1');
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
  return head.startsWith('{"checkpoints":') && (await readFile(path, 'latin1')).includes('"format":"qfs-ledger-bundle/1"');
}

export type BundleLocation = { kind: 'bundle'; source: BundleSource } | { kind: 'file'; path: string };

/**
 * Resolve a BUNDLE argument: an http(s) URL, a directory, or a manifest path give a bundle; any
 * other existing file is handed back as a plain file (QFS artifacts are verified by `verify` too).
 */
export async function openBundle(arg: string): Promise<BundleLocation> {
  if (/^https?:\/\//i.test(arg)) return { kind: 'bundle', source: new HttpSource(arg) };
  let st;
  try {
    st = await stat(arg);
  } catch (e) {
    throw fsError(arg, e);
  }
  if (st.isDirectory()) return { kind: 'bundle', source: new FsSource(resolve(arg)) };
  if (basename(arg) === 'manifest.json' || (await looksLikeManifest(arg))) return { kind: 'bundle', source: new FsSource(dirname(resolve(arg)), basename(arg)) };
  return { kind: 'file', path: arg };
}
