// Writes a bundle to disk as it is generated (docs/BUNDLE_FORMAT.md §6): segment files streamed
// with their SHA-256 and length computed on the way, checkpoint notes, content packs, and the
// manifest last. Memory stays bounded: a segment's lines are flushed in blocks.

import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalBytes, type Json } from '../lib/core/canonical-json';
import type { CheckpointRef, ContentRef, Manifest, SegmentRef, TrustDoc } from '../lib/core/manifest';
import { FORMAT } from '../lib/core/types';

/** Events per segment file: small enough to stream and re-read, large enough to stay few. */
export const SEGMENT_EVENTS = 4096;

/** Bytes per content pack (at most; an item is never split): few requests, each small to hold. */
export const PACK_TARGET = 2 ** 20;

export class BundleWriter {
  readonly dir: string;
  readonly segments: SegmentRef[] = [];
  readonly checkpoints: CheckpointRef[] = [];
  readonly content: ContentRef[] = [];
  #fd: number | null = null;
  #hash: Hash | null = null;
  #cur: SegmentRef | null = null;
  #buf: Buffer[] = [];
  #bufLen = 0;
  /** The content pack being filled: its path, items and length. */
  #packPath = '';
  #pack: Uint8Array[] = [];
  #packLen = 0;
  #packs = 0;

  readonly #packTarget: number;

  /** `packBytes`: the content pack size (0: one file `content/<cid>` per item, no packs). */
  constructor(dir: string, packBytes: number = PACK_TARGET) {
    this.dir = dir;
    this.#packTarget = packBytes;
    // Start from a clean bundle directory, but never delete anything that is not ours.
    if (existsSync(dir)) {
      for (const name of ['manifest.json', 'segments', 'checkpoints', 'content']) rmSync(join(dir, name), { recursive: true, force: true });
    }
    const left = existsSync(dir) ? readdirSync(dir).filter((n) => n !== 'trust.json') : [];
    if (left.length) throw new RangeError(`${dir} is not empty and not a bundle (found ${left.slice(0, 3).join(', ')}); choose an empty directory`);
    mkdirSync(join(dir, 'segments'), { recursive: true });
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    mkdirSync(join(dir, 'content'), { recursive: true });
  }

  /** Append one event line (canonical JSON, without newline). */
  line(seq: number, bytes: Uint8Array): void {
    if (!this.#cur || this.#cur.count >= SEGMENT_EVENTS) this.#open(seq);
    const cur = this.#cur!;
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    this.#buf.push(b, NL);
    this.#bufLen += b.length + 1;
    this.#hash!.update(b).update(NL);
    cur.count++;
    cur.bytes += b.length + 1;
    if (this.#bufLen >= 1 << 20) this.#flush();
  }

  #open(seq: number): void {
    this.#close();
    const path = `segments/${String(this.segments.length).padStart(6, '0')}.ndjson`;
    this.#cur = { path, firstSeq: seq, count: 0, bytes: 0, sha256: '' };
    this.segments.push(this.#cur);
    this.#fd = openSync(join(this.dir, path), 'w');
    this.#hash = createHash('sha256');
  }

  #flush(): void {
    if (this.#fd === null || this.#bufLen === 0) return;
    writeSync(this.#fd, Buffer.concat(this.#buf, this.#bufLen));
    this.#buf = [];
    this.#bufLen = 0;
  }

  #close(): void {
    if (this.#fd === null) return;
    this.#flush();
    closeSync(this.#fd);
    this.#cur!.sha256 = this.#hash!.digest('hex');
    this.#fd = null;
    this.#hash = null;
  }

  /** A checkpoint note for tree size `size`, named by its size. */
  checkpoint(size: number, note: Uint8Array): void {
    const path = `checkpoints/${String(size).padStart(9, '0')}.note`;
    writeFileSync(join(this.dir, path), note);
    this.checkpoints.push({ path, size });
  }

  /**
   * A content item's bytes, appended to the current pack (§6.1): items are packed in the order
   * they are given, a new pack is started when the item would take the current one past the pack
   * size (an item larger than it gets a pack of its own). A reader then fetches a few packs instead of one small file per item (issue 7).
   */
  contentFile(cid: string, bytes: Uint8Array): void {
    if (this.#packTarget === 0) {
      const path = `content/${cid}`;
      writeFileSync(join(this.dir, path), bytes);
      this.content.push({ cid, path, bytes: bytes.length });
      return;
    }
    if (this.#packLen > 0 && this.#packLen + bytes.length > this.#packTarget) this.#closePack();
    if (this.#packLen === 0) this.#packPath = `content/pack-${String(this.#packs++).padStart(6, '0')}`;
    this.content.push({ cid, path: this.#packPath, bytes: bytes.length, offset: this.#packLen });
    this.#pack.push(bytes);
    this.#packLen += bytes.length;
  }

  #closePack(): void {
    if (this.#pack.length === 0) return;
    writeFileSync(join(this.dir, this.#packPath), Buffer.concat(this.#pack, this.#packLen));
    this.#pack = [];
    this.#packLen = 0;
  }

  /** Close the last segment and write manifest.json; returns the manifest. */
  finish(origin: string, trust: TrustDoc, events: number, epochs: number): Manifest {
    this.#close();
    this.#closePack();
    const manifest: Manifest = { format: FORMAT, origin, trust, segments: this.segments, checkpoints: this.checkpoints, content: this.content, events, epochs };
    writeFileSync(join(this.dir, 'manifest.json'), canonicalBytes(manifest as unknown as Json));
    return manifest;
  }
}

const NL = Buffer.from([10]);
