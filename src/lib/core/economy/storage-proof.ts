// Fragment Merkle roots and storage proofs (docs/BUNDLE_FORMAT.md §10.4). The fragment root is the
// RFC 6962 / RFC 9162 Merkle tree head over the fragment hashes: leaf input = the 32-byte
// SHA-256 of the fragment, so leaf hash = SHA-256(0x00 ‖ SHA-256(fragment)) (RFC 9162 §2.1.1). A
// storage proof is the fragment hash plus its inclusion path (RFC 9162 §2.1.3.1), verified with
// the §2.1.3.2 algorithm against the root recorded by `storage.place`.

import { fromHex, toHex } from '../bytes';
import { sha256 } from '../hash';
import { inclusionProof, leafHash, rootFromLeafHashes, verifyInclusion } from '../merkle';
import type { Json } from '../canonical-json';

export function fragmentHashes(fragments: readonly Uint8Array[]): Uint8Array[] {
  return fragments.map((f) => sha256(f));
}

export function fragmentRoot(hashes: readonly Uint8Array[]): Uint8Array {
  return rootFromLeafHashes(hashes.map((h) => leafHash(h)));
}

/** Inclusion path of fragment `index` among `hashes`. */
export function fragmentProof(hashes: readonly Uint8Array[], index: number): Uint8Array[] {
  return inclusionProof(hashes.map((h) => leafHash(h)), index, hashes.length);
}

/** True iff `path` proves fragment hash `hash` at `index` of `n` under `root` (all raw bytes). */
export function verifyFragmentProof(hash: Uint8Array, index: number, n: number, path: readonly Uint8Array[], root: Uint8Array): boolean {
  if (hash.length !== 32 || root.length !== 32) return false;
  return verifyInclusion(index, n, leafHash(hash), path, root);
}

/** Parse a JSON list of 64-hex hashes; null when any element is not one. */
export function parseHashList(v: Json | undefined): Uint8Array[] | null {
  if (!Array.isArray(v)) return null;
  const out: Uint8Array[] = [];
  for (const h of v) {
    if (typeof h !== 'string' || h.length !== 64) return null;
    const b = fromHex(h);
    if (!b) return null;
    out.push(b);
  }
  return out;
}

export const hexList = (hs: readonly Uint8Array[]): string[] => hs.map((h) => toHex(h));
