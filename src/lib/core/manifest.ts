// The bundle manifest (docs/BUNDLE_FORMAT.md §6): canonical JSON that names every file of the bundle
// with its length and hash, the origin, and the trust the bundle claims. Nothing in it is signed, so
// every field is either checked against something signed (segments hash to the events, checkpoints
// are signed, trust is compared with a pin) or only used to find files.

import { CanonicalJsonError, canonicalDepth, parseCanonical, type Json } from './canonical-json';
import { isHex } from './bytes';
import { FORMAT, LIMITS, type Finding } from './types';

export interface SegmentRef {
  path: string;
  firstSeq: number;
  count: number;
  bytes: number;
  /** hex SHA-256 of the whole file. */
  sha256: string;
}
export interface CheckpointRef {
  /** The note's own file, or a note pack (§6.1) when `offset` is set. */
  path: string;
  /** Tree size of the checkpoint = seq of the epoch.close it covers + 1. */
  size: number;
  /** A packed note only: its length; its bytes are `[offset, offset + bytes)` of the pack. */
  bytes?: number;
  offset?: number;
}
export interface ContentRef {
  cid: string;
  /** `content/<cid>` (the whole file is the item), or a pack (§6.1) when `offset` is set. */
  path: string;
  bytes: number;
  /** Where the item's bytes start in the pack at `path`: they are `[offset, offset + bytes)`. */
  offset?: number;
}
/**
 * An entry of a manifest list whose entries may be packed (§6.1): a content item or a checkpoint
 * note. Without `offset` the entry is the whole file at `path` (`bytes` its listed length, if the
 * list gives one); with it, the entry is `[offset, offset + bytes)` of the pack at `path`.
 */
export interface PackedRef {
  path: string;
  bytes?: number;
  offset?: number;
}
/** A file that holds entries: a single entry's file or a pack of consecutive manifest entries. */
export interface PackedFile {
  path: string;
  /** Its length as the manifest lists it (a pack: the end of its last entry). */
  bytes: number;
  /** Manifest index of its first entry; its entries are `first` .. `first + count - 1`. */
  first: number;
  count: number;
}
export type ContentFile = PackedFile;

/** The largest pack of content or notes (§6.1, §8.1): the end of its last entry. */
export const PACK_BYTES = 16 * 2 ** 20;
/** The trust a bundle claims or a verifier pins (§5): all text, compared literally. */
export interface TrustDoc {
  /** C2SP tlog-policy text: the operator's `log` line, `witness` lines, groups and `quorum`. */
  policy: string;
  /** Signed-note vkey of the governance role. */
  governance: string;
  /** Signed-note vkey of the AEGIS authority. */
  aegis: string;
}
export interface Manifest {
  format: typeof FORMAT;
  origin: string;
  trust: TrustDoc;
  segments: SegmentRef[];
  checkpoints: CheckpointRef[];
  content: ContentRef[];
  events: number;
  epochs: number;
}

type Obj = { [k: string]: Json };
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const PATH_PART = /^[a-z0-9._-]+$/;
/** Origins and key names: printable ASCII without spaces or '+' (C2SP signed-note key names). */
export const ORIGIN = /^[\x21-\x2a\x2c-\x7e]{1,255}$/;

/** Bundle-relative path (§6): parts of [a-z0-9._-] joined by '/', no empty, '.' or '..' part. */
export function isBundlePath(p: unknown): p is string {
  if (typeof p !== 'string' || p.length === 0 || p.length > 255) return false;
  return p.split('/').every((part) => PATH_PART.test(part) && part !== '.' && part !== '..');
}

function keysAre(o: Obj, keys: string[]): boolean {
  const k = Object.keys(o).sort();
  return k.length === keys.length && k.every((x, i) => x === keys[i]);
}

const ASCII = new TextDecoder('utf-8');

class ManifestError extends Error {}
const bad = (message: string): never => {
  throw new ManifestError(message);
};

/**
 * The packed-entry rule (§6.1), shared by `content` and `checkpoints`: an entry with `offset` lies
 * in the pack at its `path` (which starts with `prefix`); the entries of a pack are consecutive and
 * tile it from offset 0, and it ends by `PACK_BYTES`. For each entry of the list in order: `single`
 * for one without `offset`, or `place` then (after the caller's own checks, in their old order)
 * `end` with its `bytes`.
 */
class PackRun {
  readonly #prefix: string;
  readonly #noun: string;
  readonly #usePath: (p: unknown, what: string) => string;
  /** The pack the previous entry belongs to (null: a single file) and where it ends. */
  #pack: string | null = null;
  #end = 0;
  #offset = 0;
  constructor(prefix: string, noun: string, usePath: (p: unknown, what: string) => string) {
    this.#prefix = prefix;
    this.#noun = noun;
    this.#usePath = usePath;
  }
  single(path: string): string {
    this.#pack = null;
    return path;
  }
  place(what: string, c: Obj): { path: string; offset: number } {
    const offset = c['offset'];
    if (!isNat(offset)) return bad(`${what}: offset must be a non-negative integer`);
    let path: string;
    if (this.#pack !== null && c['path'] === this.#pack) {
      path = this.#pack;
      if (offset !== this.#end) bad(`${what}: offset ${offset}; the previous ${this.#noun} of ${path} ends at ${this.#end}`);
    } else {
      if (typeof c['path'] !== 'string' || !c['path'].startsWith(this.#prefix)) bad(`${what}: a pack's path starts with ${this.#prefix}`);
      path = this.#usePath(c['path'], what);
      if (offset !== 0) bad(`${what}: offset ${offset}; the first ${this.#noun} of pack ${path} starts at 0`);
      this.#pack = path;
    }
    this.#offset = offset;
    return { path, offset };
  }
  end(what: string, bytes: number): void {
    this.#end = this.#offset + bytes;
    if (this.#end > PACK_BYTES) bad(`${what}: ends at ${this.#end}; a pack is at most ${PACK_BYTES} bytes`);
  }
}

/** Parse and check the manifest's bytes. Failures are `manifest.invalid` findings (seq null). */
export function parseManifest(bytes: Uint8Array): { ok: true; manifest: Manifest } | { ok: false; finding: Finding } {
  try {
    return { ok: true, manifest: readManifest(bytes) };
  } catch (e) {
    if (e instanceof ManifestError) return { ok: false, finding: { code: 'manifest.invalid', seq: null, file: 'manifest.json', message: `manifest.json: ${e.message}` } };
    throw e;
  }
}

function readManifest(bytes: Uint8Array): Manifest {
  if (bytes.length > LIMITS.manifestBytes) bad(`${bytes.length} bytes; the limit is ${LIMITS.manifestBytes}`);
  let v: Json;
  // As parseEnvelope (issue 7): one scan proves the bytes canonical JSON (so ASCII), then the native
  // JSON.parse reads them, which is the value parseCanonical returns; the scan decides nothing
  // else, and every manifest it does not prove takes the full path below, which names the reason.
  // Node, cold: 10k demo manifest 16 -> 6 ms, 1M (440 KB) 58 -> 19 ms, on the ordered pass's thread.
  if (canonicalDepth(bytes) >= 0) v = JSON.parse(ASCII.decode(bytes)) as Json;
  else {
    let text = '';
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i]! >= 0x80) bad(`non-ASCII byte at offset ${i}; canonical JSON escapes it`);
    }
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    try {
      v = parseCanonical(text);
    } catch (e) {
      if (e instanceof CanonicalJsonError) bad(`not canonical JSON: ${e.message}`);
      throw e;
    }
  }
  if (!isObject(v)) return bad('not a JSON object');
  if (v['format'] !== FORMAT) bad(`format ${JSON.stringify(v['format'])} is not ${FORMAT}`);
  if (!keysAre(v, ['checkpoints', 'content', 'epochs', 'events', 'format', 'origin', 'segments', 'trust'])) {
    bad(`fields are checkpoints, content, epochs, events, format, origin, segments, trust; got ${Object.keys(v).sort().join(', ')}`);
  }
  const origin = v['origin'];
  if (typeof origin !== 'string' || !ORIGIN.test(origin)) bad('origin must be 1–255 printable ASCII characters without spaces or "+"');
  const events = v['events'];
  const epochs = v['epochs'];
  if (!isNat(events) || events < 1) return bad('events must be a positive integer');
  if (!isNat(epochs) || epochs < 1) return bad('epochs must be a positive integer');
  const trust = readTrust(v['trust']);

  const seen = new Set<string>(['manifest.json']);
  const usePath = (p: unknown, what: string): string => {
    if (!isBundlePath(p)) bad(`${what}: path ${JSON.stringify(p)} is not a bundle path ([a-z0-9._-] parts joined by "/", no "." or "..")`);
    if (seen.has(p as string)) bad(`${what}: path ${p as string} is listed twice`);
    seen.add(p as string);
    return p as string;
  };

  const segs = v['segments'];
  if (!Array.isArray(segs) || segs.length === 0 || segs.length > LIMITS.segments) return bad(`segments must list 1–${LIMITS.segments} files`);
  const segments: SegmentRef[] = [];
  let next = 0;
  for (const [i, s] of segs.entries()) {
    const what = `segments[${i}]`;
    if (!isObject(s) || !keysAre(s, ['bytes', 'count', 'firstSeq', 'path', 'sha256'])) return bad(`${what} has exactly the fields bytes, count, firstSeq, path, sha256`);
    const path = usePath(s['path'], what);
    if (s['firstSeq'] !== next) bad(`${what}: firstSeq ${JSON.stringify(s['firstSeq'])}; the previous segments end before seq ${next}`);
    if (!isNat(s['count']) || s['count'] < 1) bad(`${what}: count must be a positive integer`);
    if (!isNat(s['bytes']) || s['bytes'] > LIMITS.segmentBytes) bad(`${what}: bytes must be an integer ≤ ${LIMITS.segmentBytes}`);
    if (typeof s['sha256'] !== 'string' || !isHex(s['sha256'], 32)) bad(`${what}: sha256 must be 64 lowercase hex digits`);
    segments.push({ path, firstSeq: next, count: s['count'] as number, bytes: s['bytes'] as number, sha256: s['sha256'] as string });
    next += s['count'] as number;
  }
  if (next !== events) bad(`the segments hold ${next} events but events is ${events}`);

  const cps = v['checkpoints'];
  if (!Array.isArray(cps)) return bad('checkpoints must be an array');
  if (cps.length !== epochs) bad(`${cps.length} checkpoints listed for ${epochs} epochs; there is one per epoch close`);
  const checkpoints: CheckpointRef[] = [];
  const notePacks = new PackRun('checkpoints/', 'note', usePath);
  let last = 0;
  for (const [i, c] of cps.entries()) {
    const what = `checkpoints[${i}]`;
    const packed = isObject(c) && 'offset' in c;
    if (!isObject(c) || !keysAre(c, packed ? ['bytes', 'offset', 'path', 'size'] : ['path', 'size'])) return bad(`${what} has exactly the fields ${packed ? 'bytes, offset, path, size' : 'path, size'}`);
    const at = packed ? notePacks.place(what, c) : null;
    const path = at ? at.path : notePacks.single(usePath(c['path'], what));
    if (!isNat(c['size']) || c['size'] <= last || c['size'] > events) bad(`${what}: size must increase and be at most ${events}`);
    last = c['size'] as number;
    if (!at) {
      checkpoints.push({ path, size: last });
      continue;
    }
    if (!isNat(c['bytes']) || c['bytes'] > LIMITS.noteBytes) bad(`${what}: bytes must be an integer ≤ ${LIMITS.noteBytes}`);
    notePacks.end(what, c['bytes'] as number);
    checkpoints.push({ path, size: last, bytes: c['bytes'] as number, offset: at.offset });
  }
  if (last !== events) bad(`the last checkpoint covers ${last} events, not all ${events}`);

  const cont = v['content'];
  if (!Array.isArray(cont)) return bad('content must be an array');
  const content: ContentRef[] = [];
  const cids = new Set<string>();
  const packs = new PackRun('content/', 'item', usePath);
  for (const [i, c] of cont.entries()) {
    const what = `content[${i}]`;
    const packed = isObject(c) && 'offset' in c;
    if (!isObject(c) || !keysAre(c, packed ? ['bytes', 'cid', 'offset', 'path'] : ['bytes', 'cid', 'path'])) return bad(`${what} has exactly the fields bytes, cid, path${packed ? ', offset' : ''}`);
    if (typeof c['cid'] !== 'string' || !isHex(c['cid'], 32)) return bad(`${what}: cid must be 64 lowercase hex digits`);
    if (!packed) {
      // Checked in the order they were before packs, so a bad manifest is reported as it was.
      if (c['path'] !== `content/${c['cid']}`) bad(`${what}: path must be content/<cid>`);
      const path = packs.single(usePath(c['path'], what));
      if (!isNat(c['bytes']) || c['bytes'] > LIMITS.contentBytes) bad(`${what}: bytes must be an integer ≤ ${LIMITS.contentBytes}`);
      if (cids.has(c['cid'])) bad(`${what}: cid ${c['cid']} is listed twice`);
      cids.add(c['cid']);
      content.push({ cid: c['cid'], path, bytes: c['bytes'] as number });
      continue;
    }
    const { path, offset } = packs.place(what, c);
    if (!isNat(c['bytes']) || c['bytes'] > LIMITS.contentBytes) bad(`${what}: bytes must be an integer ≤ ${LIMITS.contentBytes}`);
    if (cids.has(c['cid'])) bad(`${what}: cid ${c['cid']} is listed twice`);
    cids.add(c['cid']);
    const bytes = c['bytes'] as number;
    packs.end(what, bytes);
    content.push({ cid: c['cid'], path, bytes, offset });
  }
  return { format: FORMAT, origin: origin as string, trust, segments, checkpoints, content, events, epochs };
}

/**
 * The files that hold a list's entries (content, or checkpoint notes), in manifest order, and each
 * entry's file index. `unlisted`: the length charged for a single file whose entry lists none.
 */
export function packedFiles(refs: readonly PackedRef[], unlisted = 0): { files: PackedFile[]; fileOf: number[] } {
  const files: PackedFile[] = [];
  const fileOf: number[] = [];
  for (const [i, c] of refs.entries()) {
    const last = files[files.length - 1];
    // A parsed manifest lists a pack's entries consecutively (parseManifest), so a pack is a run.
    if (c.offset !== undefined && last && last.path === c.path) {
      last.bytes = c.offset + (c.bytes ?? 0);
      last.count++;
    } else files.push({ path: c.path, bytes: c.offset === undefined ? (c.bytes ?? unlisted) : c.offset + (c.bytes ?? 0), first: i, count: 1 });
    fileOf.push(files.length - 1);
  }
  return { files, fileOf };
}

/** The files that hold the listed content (packedFiles). */
export function contentFiles(content: readonly ContentRef[]): { files: ContentFile[]; fileOf: number[] } {
  return packedFiles(content);
}

/**
 * An entry's bytes within the bytes of its file: the whole file, or its range of a pack (fewer
 * bytes, or none, where the pack is shorter than listed; the caller's checks then fail).
 */
export function packedSlice(ref: PackedRef, file: Uint8Array): Uint8Array {
  if (ref.offset === undefined) return file;
  return file.subarray(Math.min(ref.offset, file.length), Math.min(ref.offset + (ref.bytes ?? 0), file.length));
}

/** A content item's bytes within its file (packedSlice). */
export const contentSlice: (ref: ContentRef, file: Uint8Array) => Uint8Array = packedSlice;

/**
 * Reads entries' bytes (content items, checkpoint notes) through `read(path)` (a BundleSource's
 * read, the app's readAgain), reading a pack once for a run of its entries: the last file read is
 * kept until another is needed.
 */
export class PackedReader {
  readonly #read: (path: string) => Promise<Uint8Array>;
  #last: { path: string; bytes: Uint8Array } | null = null;
  constructor(read: (path: string) => Promise<Uint8Array>) {
    this.#read = read;
  }
  async bytes<T extends PackedRef>(ref: T): Promise<Uint8Array> {
    if (ref.offset === undefined) return this.#read(ref.path);
    if (this.#last?.path !== ref.path) this.#last = { path: ref.path, bytes: await this.#read(ref.path) };
    return packedSlice(ref, this.#last.bytes);
  }
}
/** The reader of content items (PackedReader). */
export const ContentReader = PackedReader;

function readTrust(t: Json | undefined): TrustDoc {
  if (!isObject(t) || !keysAre(t, ['aegis', 'governance', 'policy'])) return bad('trust has exactly the fields aegis, governance, policy');
  for (const k of ['aegis', 'governance', 'policy']) if (typeof t[k] !== 'string' || (t[k] as string).length === 0) bad(`trust.${k} must be a non-empty string`);
  return { policy: t['policy'] as string, governance: t['governance'] as string, aegis: t['aegis'] as string };
}

/** Parse a pinned trust file (the same object as the manifest's `trust`, canonical JSON or not). */
export function parseTrustDoc(text: string): TrustDoc | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  try {
    return readTrust(v as Json);
  } catch (e) {
    if (e instanceof ManifestError) return e.message;
    throw e;
  }
}

/** The fields in which two trust docs differ, for `trust.mismatch` (empty when equal). */
export function trustDifferences(a: TrustDoc, b: TrustDoc): string[] {
  const out: string[] = [];
  if (a.governance !== b.governance) out.push('governance key');
  if (a.aegis !== b.aegis) out.push('aegis key');
  if (a.policy !== b.policy) {
    const la = a.policy.split('\n');
    const lb = b.policy.split('\n');
    const only = (x: string[], y: string[]) => x.filter((l) => l.trim() !== '' && !y.includes(l));
    const diff = [...only(la, lb).map((l) => `-${l}`), ...only(lb, la).map((l) => `+${l}`)];
    out.push(`policy lines ${diff.length ? diff.join(' ; ') : '(order or whitespace)'}`);
  }
  return out;
}
