// The manifest fields the tamper library edits (docs/BUNDLE_FORMAT.md §6): each segment's path,
// byte length, SHA-256 and event count. Kept in one place so that the rest of the library does
// not depend on the manifest's exact spelling.

import type { Json } from '../../lib/core/canonical-json';
import { sha256Hex } from '../../lib/core/hash';

export interface SegmentEntry {
  file: string;
  /** The manifest object describing this segment (a live reference into the parsed manifest). */
  entry: { [k: string]: Json };
}

const isObject = (v: unknown): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The manifest's segment list, in log order (§6: {path, firstSeq, count, bytes, sha256}). */
export function manifestSegments(m: { [k: string]: Json }): SegmentEntry[] {
  const list = m['segments'];
  if (!Array.isArray(list)) throw new TypeError('manifest has no "segments" array');
  return list.map((e, i) => {
    if (!isObject(e) || typeof e['path'] !== 'string') throw new TypeError(`manifest segment ${i} has no path`);
    return { file: e['path'], entry: e };
  });
}

/** Record a segment's new bytes (length, SHA-256) in the manifest, in place. */
export function setManifestSegment(m: { [k: string]: Json }, file: string, bytes: Uint8Array): void {
  const seg = manifestSegments(m).find((s) => s.file === file);
  if (!seg) throw new RangeError(`manifest does not list ${file}`);
  seg.entry['bytes'] = bytes.length;
  seg.entry['sha256'] = sha256Hex(bytes);
}

/**
 * After a line was inserted (delta +1) or removed (delta −1) at log position `at`, keep the
 * manifest a consistent description of the files, as a careful attacker would: the segment's
 * count, every later segment's firstSeq, the event total, and the size of every checkpoint that
 * ends after the edit. A checkpoint that ends exactly at a removed line keeps its size, so it
 * fires at the edited position itself and never before it.
 */
export function shiftManifest(m: { [k: string]: Json }, file: string, at: number, delta: 1 | -1): void {
  let next = 0;
  for (const s of manifestSegments(m)) {
    if (s.file === file) s.entry['count'] = (s.entry['count'] as number) + delta;
    s.entry['firstSeq'] = next;
    next += s.entry['count'] as number;
  }
  m['events'] = next;
  const cps = m['checkpoints'];
  if (!Array.isArray(cps)) throw new TypeError('manifest has no "checkpoints" array');
  const from = delta === 1 ? at + 1 : at + 2;
  for (const c of cps) {
    if (isObject(c) && typeof c['size'] === 'number' && c['size'] >= from) c['size'] += delta;
  }
}
