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

const PATH_FIELDS = ['path', 'file', 'name'];
const LENGTH_FIELDS = ['bytes', 'length', 'size'];
const HASH_FIELDS = ['sha256', 'hash'];
const COUNT_FIELDS = ['events', 'count'];

function field(o: { [k: string]: Json }, names: readonly string[]): string | null {
  for (const n of names) if (n in o) return n;
  return null;
}

/** The manifest's segment list, in log order. */
export function manifestSegments(m: { [k: string]: Json }): SegmentEntry[] {
  const list = m['segments'];
  if (!Array.isArray(list)) throw new TypeError('manifest has no "segments" array');
  return list.map((e, i) => {
    if (!isObject(e)) throw new TypeError(`manifest segment ${i} is not an object`);
    const pf = field(e, PATH_FIELDS);
    const file = pf ? e[pf] : undefined;
    if (typeof file !== 'string') throw new TypeError(`manifest segment ${i} has no path`);
    return { file, entry: e };
  });
}

/** Record a segment's new bytes (length, SHA-256) and event count in the manifest, in place. */
export function setManifestSegment(m: { [k: string]: Json }, file: string, bytes: Uint8Array, events: number): void {
  const seg = manifestSegments(m).find((s) => s.file === file);
  if (!seg) throw new RangeError(`manifest does not list ${file}`);
  const lf = field(seg.entry, LENGTH_FIELDS);
  if (lf) seg.entry[lf] = bytes.length;
  const hf = field(seg.entry, HASH_FIELDS);
  if (hf) seg.entry[hf] = sha256Hex(bytes);
  const cf = field(seg.entry, COUNT_FIELDS);
  if (cf && typeof seg.entry[cf] === 'number') seg.entry[cf] = events;
}

/** The listed SHA-256 field of a segment entry (for the manifest-edit corruption). */
export function segmentHashField(entry: { [k: string]: Json }): string {
  const hf = field(entry, HASH_FIELDS);
  if (!hf) throw new TypeError('manifest segment entry has no hash field');
  return hf;
}
