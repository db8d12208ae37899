// Writes a bundle to disk as it is generated (docs/BUNDLE_FORMAT.md §6): segment files streamed
// with their SHA-256 and length computed on the way, checkpoint notes and content in packs, and
// the manifest last. Memory stays bounded: a segment's lines are flushed in blocks.

import { createHash, type Hash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync, writeSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { canonicalBytes, type Json } from '../lib/core/canonical-json';
import type { CheckpointRef, ContentRef, Manifest, SegmentRef, TrustDoc } from '../lib/core/manifest';
import { FORMAT } from '../lib/core/types';

/** Events per segment file: small enough to stream and re-read, large enough to stay few. */
export const SEGMENT_EVENTS = 4096;

/** Bytes per content or note pack (at most; an entry is never split): few requests, each small to hold. */
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
  /** The packs being filled: content items and checkpoint notes (§6.1). */
  readonly #contentPacks: PackFiller;
  readonly #notePacks: PackFiller;

  /**
   * `packBytes`: the size of content and note packs (0: no packs, one file `content/<cid>` per item
   * and `checkpoints/<size>.note` per note, the layout before packs).
   */
  constructor(dir: string, packBytes: number = PACK_TARGET) {
    this.dir = dir;
    this.#contentPacks = new PackFiller(dir, 'content/pack-', packBytes);
    this.#notePacks = new PackFiller(dir, 'checkpoints/pack-', packBytes);
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

  /** A checkpoint note for tree size `size`: in the current note pack, or a file named by its size. */
  checkpoint(size: number, note: Uint8Array): void {
    const at = this.#notePacks.add(note);
    if (at) {
      this.checkpoints.push({ path: at.path, size, bytes: note.length, offset: at.offset });
      return;
    }
    const path = `checkpoints/${String(size).padStart(9, '0')}.note`;
    writeFileSync(join(this.dir, path), note);
    this.checkpoints.push({ path, size });
  }

  /** A content item's bytes: in the current content pack, or its own file `content/<cid>`. */
  contentFile(cid: string, bytes: Uint8Array): void {
    const at = this.#contentPacks.add(bytes);
    if (at) {
      this.content.push({ cid, path: at.path, bytes: bytes.length, offset: at.offset });
      return;
    }
    const path = `content/${cid}`;
    writeFileSync(join(this.dir, path), bytes);
    this.content.push({ cid, path, bytes: bytes.length });
  }

  /** Close the last segment and write manifest.json; returns the manifest. */
  finish(origin: string, trust: TrustDoc, events: number, epochs: number): Manifest {
    this.#close();
    this.#contentPacks.close();
    this.#notePacks.close();
    const manifest: Manifest = { format: FORMAT, origin, trust, segments: this.segments, checkpoints: this.checkpoints, content: this.content, events, epochs };
    writeFileSync(join(this.dir, 'manifest.json'), canonicalBytes(manifest as unknown as Json));
    return manifest;
  }
}

const NL = Buffer.from([10]);

/**
 * Entries appended to packs `<prefix>000000`, `<prefix>000001`, … (§6.1) in the order they are
 * given: a new pack is started when an entry would take the current one past `target` bytes (an
 * entry larger than that gets a pack of its own), so a reader fetches a few packs instead of one
 * small file per entry (issue 7). `target` 0: no packs (add returns null).
 */
class PackFiller {
  readonly #dir: string;
  readonly #prefix: string;
  readonly #target: number;
  #path = '';
  #parts: Uint8Array[] = [];
  #len = 0;
  #packs = 0;

  constructor(dir: string, prefix: string, target: number) {
    this.#dir = dir;
    this.#prefix = prefix;
    this.#target = target;
  }

  /** Append an entry; its pack and offset, or null when packing is off. */
  add(bytes: Uint8Array): { path: string; offset: number } | null {
    if (this.#target === 0) return null;
    if (this.#len > 0 && this.#len + bytes.length > this.#target) this.close();
    if (this.#len === 0) this.#path = `${this.#prefix}${String(this.#packs++).padStart(6, '0')}`;
    const offset = this.#len;
    this.#parts.push(bytes);
    this.#len += bytes.length;
    return { path: this.#path, offset };
  }

  /** Write the pack being filled, if any. */
  close(): void {
    if (this.#parts.length === 0) return;
    writeFileSync(join(this.#dir, this.#path), Buffer.concat(this.#parts, this.#len));
    this.#parts = [];
    this.#len = 0;
  }
}
