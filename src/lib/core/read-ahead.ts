// Reads of a bundle's small files (checkpoint notes, content) started before the ordered pass
// needs them (issue 7). Over HTTP every file is one request with its own round trip; read one at a
// time where they are checked, the 12 notes and 213 content files of the 10k demo ledger cost
// ~0.8 s of waiting. A ReadAhead starts wanted reads in the background, at most `concurrency` at
// once (a browser opens ~6 connections per host, and the segment stream needs one) and at most
// `maxBytes` (by the manifest's sizes) read but not yet taken, so memory stays bounded. Results
// are settled values, never rejected promises: a failed read is reported by whoever takes it, in
// the order the checks run, so findings do not depend on when the bytes arrived.

import type { BundleSource } from './bundle-source';
import { packedFiles, packedSlice, type PackedRef } from './manifest';

export type ReadResult = { ok: true; bytes: Uint8Array } | { ok: false; error: unknown };

export interface ReadAheadFile {
  path: string;
  /** The size the manifest lists: what a read is charged against the budget. */
  bytes: number;
}

export interface ReadAheadOptions {
  /** Reads in progress at once (default 4). */
  concurrency?: number;
  /** Bytes wanted or read but not yet taken (default 16 MiB). Wants beyond it are dropped. */
  maxBytes?: number;
}

export class ReadAhead {
  readonly #source: BundleSource;
  readonly #files: readonly ReadAheadFile[];
  readonly #concurrency: number;
  readonly #maxBytes: number;
  /** Started reads not yet taken, by file index. */
  readonly #reads = new Map<number, Promise<ReadResult>>();
  /** Wanted, not yet started (FIFO). */
  readonly #queue: number[] = [];
  readonly #queued = new Set<number>();
  readonly #taken = new Set<number>();
  #running = 0;
  #charged = 0;

  constructor(source: BundleSource, files: readonly ReadAheadFile[], options: ReadAheadOptions = {}) {
    this.#source = source;
    this.#files = files;
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#maxBytes = options.maxBytes ?? 16 * 2 ** 20;
  }

  /** Ask for file i in the background; ignored when it is already wanted, taken, or over budget. */
  want(i: number): void {
    const f = this.#files[i];
    if (!f || this.#reads.has(i) || this.#queued.has(i) || this.#taken.has(i)) return;
    if (this.#charged + f.bytes > this.#maxBytes) return;
    this.#charged += f.bytes;
    this.#queue.push(i);
    this.#queued.add(i);
    this.#pump();
  }

  /** The read of file i, started now if it was not; a file is taken once. */
  take(i: number): Promise<ReadResult> {
    const f = this.#files[i];
    if (!f) throw new RangeError(`ReadAhead: no file ${i}`);
    if (this.#taken.has(i)) throw new Error(`ReadAhead: ${f.path} was already taken`);
    this.#taken.add(i);
    if (this.#queued.has(i)) {
      // Wanted but waiting for a slot: it is needed now, so it goes ahead of the queue.
      this.#queued.delete(i);
      this.#queue.splice(this.#queue.indexOf(i), 1);
      this.#charged -= f.bytes;
      return settle(this.#source.read(f.path));
    }
    const r = this.#reads.get(i);
    if (!r) return settle(this.#source.read(f.path));
    this.#reads.delete(i);
    return r.then((res) => {
      this.#charged -= f.bytes;
      return res;
    });
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#queue.length) {
      const i = this.#queue.shift()!;
      this.#queued.delete(i);
      this.#running++;
      this.#reads.set(
        i,
        settle(this.#source.read(this.#files[i]!.path)).then((res) => {
          this.#running--;
          this.#pump();
          return res;
        })
      );
    }
  }
}

/**
 * Reads of a manifest list's entries that may be packed (§6.1; the checkpoint notes): each file is
 * read once through a ReadAhead, and kept while the entries it holds are taken, in list order.
 */
export class PackedReads {
  readonly #refs: readonly PackedRef[];
  readonly #reads: ReadAhead;
  readonly #fileOf: number[];
  #held: { file: number; read: Promise<ReadResult> } | null = null;

  /** `unlisted`: the budget charged for a single file whose entry lists no length. */
  constructor(source: BundleSource, refs: readonly PackedRef[], unlisted: number, options: ReadAheadOptions = {}) {
    const { files, fileOf } = packedFiles(refs, unlisted);
    this.#refs = refs;
    this.#fileOf = fileOf;
    this.#reads = new ReadAhead(source, files, options);
  }

  /** Ask for the file of entry i in the background (ReadAhead.want). */
  want(i: number): void {
    const f = this.#fileOf[i];
    if (f !== undefined) this.#reads.want(f);
  }

  /** The read of entry i's file: taken from the ReadAhead once for all its entries. */
  take(i: number): Promise<ReadResult> {
    const f = this.#fileOf[i];
    if (f === undefined) throw new RangeError(`PackedReads: no entry ${i}`);
    if (this.#held?.file !== f) this.#held = { file: f, read: this.#reads.take(f) };
    return this.#held.read;
  }

  /** Whether entry i is the last listed entry of its file. */
  lastOfFile(i: number): boolean {
    return this.#fileOf[i + 1] !== this.#fileOf[i];
  }

  /**
   * Entry i's bytes in its file's bytes `file`: the whole file, or its range of a pack; null when
   * the pack ends before the range does.
   */
  slice(i: number, file: Uint8Array): Uint8Array | null {
    const ref = this.#refs[i]!;
    const bytes = packedSlice(ref, file);
    return ref.offset !== undefined && bytes.length !== ref.bytes ? null : bytes;
  }
}

function settle(p: Promise<Uint8Array>): Promise<ReadResult> {
  return p.then(
    (bytes): ReadResult => ({ ok: true, bytes }),
    (error: unknown): ReadResult => ({ ok: false, error })
  );
}
