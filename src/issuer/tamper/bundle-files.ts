// An editable, in-memory copy of a bundle directory for the tamper library (issuer side only).
// It knows just enough of the layout (docs/BUNDLE_FORMAT.md §1, §4, §6) to find the event at a
// given seq, replace, insert or remove lines, and keep the manifest's segment hashes and lengths
// in step with the edited bytes, so that a corruption reaches the check it is meant to reach
// instead of tripping the segment hash check first.

import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { asciiBytes, canonicalize, parseCanonical, type Json } from '../../lib/core/canonical-json';
import { packedSlice } from '../../lib/core/manifest';
import type { Envelope } from '../../lib/core/types';
import { manifestSegments, setManifestSegment, shiftManifest, type SegmentEntry } from './manifest-edit';

const NL = 0x0a;

/** A checkpoint note as the manifest lists it: its own file, or its range of a note pack (§6.1). */
export interface NoteRef {
  /** Index in the manifest's `checkpoints`. */
  index: number;
  path: string;
  size: number;
  offset?: number;
  bytes?: number;
}

/** Where one event line lives. */
export interface LineRef {
  file: string;
  index: number;
}

export class BundleFiles {
  readonly #files = new Map<string, Uint8Array>();
  #lines = new Map<string, Uint8Array[]>();

  /** Read every file under `dir` (paths are '/'-separated and relative to `dir`). */
  static async load(dir: string): Promise<BundleFiles> {
    const out = new BundleFiles();
    const walk = async (d: string): Promise<void> => {
      for (const entry of await readdir(d, { withFileTypes: true })) {
        const full = join(d, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile()) out.#files.set(relative(dir, full).split(sep).join('/'), new Uint8Array(await readFile(full)));
      }
    };
    await walk(dir);
    if (!out.#files.has('manifest.json')) throw new TypeError(`${dir} has no manifest.json`);
    return out;
  }

  /** Write every file (flushing edited segments) under `dir`, which should be empty or absent. */
  async save(dir: string): Promise<void> {
    this.#flush();
    for (const [path, bytes] of this.#files) {
      const full = join(dir, ...path.split('/'));
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, bytes);
    }
  }

  clone(): BundleFiles {
    this.#flush();
    const out = new BundleFiles();
    for (const [k, v] of this.#files) out.#files.set(k, v.slice());
    return out;
  }

  paths(): string[] {
    return [...this.#files.keys()].sort();
  }

  get(path: string): Uint8Array {
    if (this.#lines.has(path)) this.#flushOne(path);
    const b = this.#files.get(path);
    if (!b) throw new RangeError(`no file ${path} in the bundle`);
    return b;
  }

  /** Replace a file's bytes. Segment files edited this way do not update the manifest. */
  setRaw(path: string, bytes: Uint8Array): void {
    this.#lines.delete(path);
    this.#files.set(path, bytes);
  }

  text(path: string): string {
    return new TextDecoder().decode(this.get(path));
  }

  manifest(): { [k: string]: Json } {
    return parseCanonical(this.text('manifest.json')) as { [k: string]: Json };
  }

  setManifest(m: { [k: string]: Json }): void {
    this.setRaw('manifest.json', asciiBytes(canonicalize(m)));
  }

  /** The checkpoint notes the manifest lists, in order. */
  notes(): NoteRef[] {
    const cps = this.manifest()['checkpoints'] as { [k: string]: Json }[];
    return cps.map((c, index) => {
      const ref: NoteRef = { index, path: c['path'] as string, size: c['size'] as number };
      if (c['offset'] !== undefined) Object.assign(ref, { offset: c['offset'] as number, bytes: c['bytes'] as number });
      return ref;
    });
  }

  /** A note's bytes: its file, or its range of its pack. */
  note(ref: NoteRef): Uint8Array {
    return packedSlice(ref, this.get(ref.path));
  }

  /**
   * Replace a note's bytes. In a pack, the later notes of the pack move with it and the manifest
   * lists the new lengths and offsets, so that the pack stays a valid tiling (§6.1).
   */
  setNote(ref: NoteRef, bytes: Uint8Array): void {
    if (ref.offset === undefined) return this.setRaw(ref.path, bytes);
    const pack = this.get(ref.path);
    const end = ref.offset + ref.bytes!;
    const out = new Uint8Array(pack.length - ref.bytes! + bytes.length);
    out.set(pack.subarray(0, ref.offset));
    out.set(bytes, ref.offset);
    out.set(pack.subarray(end), ref.offset + bytes.length);
    this.setRaw(ref.path, out);
    const delta = bytes.length - ref.bytes!;
    if (delta === 0) return;
    const m = this.manifest();
    for (const c of m['checkpoints'] as { [k: string]: Json }[]) {
      if (c['path'] !== ref.path || c['offset'] === undefined) continue;
      if (c['offset'] === ref.offset) c['bytes'] = bytes.length;
      else if ((c['offset'] as number) > ref.offset) c['offset'] = (c['offset'] as number) + delta;
    }
    this.setManifest(m);
  }

  segments(): SegmentEntry[] {
    return manifestSegments(this.manifest());
  }

  /** The lines of a segment file, without newlines (a cached, editable view). */
  lines(file: string): Uint8Array[] {
    let ls = this.#lines.get(file);
    if (!ls) {
      const bytes = this.get(file);
      ls = [];
      let start = 0;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] === NL) {
          ls.push(bytes.subarray(start, i));
          start = i + 1;
        }
      }
      if (start < bytes.length) throw new TypeError(`${file} does not end with a newline; tamper only valid bundles`);
      this.#lines.set(file, ls);
    }
    return ls;
  }

  /** Locate the line of `seq` in a valid bundle (line position = seq, across segments in order). */
  locate(seq: number): LineRef {
    let base = 0;
    for (const s of this.segments()) {
      const n = this.lines(s.file).length;
      if (seq < base + n) return { file: s.file, index: seq - base };
      base += n;
    }
    throw new RangeError(`seq ${seq} is beyond the last event (${base - 1})`);
  }

  eventCount(): number {
    return this.segments().reduce((n, s) => n + this.lines(s.file).length, 0);
  }

  envelope(seq: number): Envelope {
    const { file, index } = this.locate(seq);
    return parseCanonical(new TextDecoder().decode(this.lines(file)[index]!)) as unknown as Envelope;
  }

  /** Every envelope in order (parses the whole bundle; fine for drill-sized ledgers). */
  *envelopes(): Generator<Envelope> {
    const dec = new TextDecoder();
    for (const s of this.segments()) for (const l of this.lines(s.file)) yield parseCanonical(dec.decode(l)) as unknown as Envelope;
  }

  setLine(seq: number, line: Uint8Array): LineRef {
    const ref = this.locate(seq);
    this.lines(ref.file)[ref.index] = line;
    this.#sync(ref.file);
    return ref;
  }

  setEnvelope(seq: number, env: Envelope): LineRef {
    return this.setLine(seq, asciiBytes(canonicalize(env as unknown as Json)));
  }

  /** Insert a line at `ref` (which then holds the new line) and shift the manifest after it. */
  insertLine(ref: LineRef, line: Uint8Array): void {
    const at = this.#firstSeq(ref.file) + ref.index;
    this.lines(ref.file).splice(ref.index, 0, line);
    this.#sync(ref.file, at, 1);
  }

  removeLine(ref: LineRef): Uint8Array {
    const at = this.#firstSeq(ref.file) + ref.index;
    const [gone] = this.lines(ref.file).splice(ref.index, 1);
    if (!gone) throw new RangeError(`no line ${ref.index} in ${ref.file}`);
    this.#sync(ref.file, at, -1);
    return gone;
  }

  #firstSeq(file: string): number {
    let base = 0;
    for (const s of this.segments()) {
      if (s.file === file) return base;
      base += this.lines(s.file).length;
    }
    throw new RangeError(`manifest does not list ${file}`);
  }

  /** Re-join an edited segment and record its new length and SHA-256 (and counts) in the manifest. */
  #sync(file: string, at?: number, delta?: 1 | -1): void {
    this.#flushOne(file);
    const m = this.manifest();
    setManifestSegment(m, file, this.#files.get(file)!);
    if (at !== undefined && delta !== undefined) shiftManifest(m, file, at, delta);
    // Written directly: setManifest() would be fine too, but this keeps the cached lines.
    this.#files.set('manifest.json', asciiBytes(canonicalize(m)));
  }

  #flushOne(file: string): void {
    const ls = this.#lines.get(file);
    if (!ls) return;
    let len = 0;
    for (const l of ls) len += l.length + 1;
    const out = new Uint8Array(len);
    let o = 0;
    for (const l of ls) {
      out.set(l, o);
      o += l.length;
      out[o++] = NL;
    }
    this.#files.set(file, out);
  }

  #flush(): void {
    for (const f of this.#lines.keys()) this.#flushOne(f);
  }
}
