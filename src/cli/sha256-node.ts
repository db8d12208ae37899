// node:crypto SHA-256 for core (hash.ts useSha256Backend): OpenSSL's SHA-256, the same FIPS 180-4
// function as the pure-JS one-shot, installed by the CLI entry point and by its signature worker
// threads. The digest is taken as a 32-character latin1 string and copied into a fresh Uint8Array:
// no Buffer, no off-heap backing store per digest (issue 7: 0.35-0.6 µs per call against 0.9-1.4 µs
// for a Buffer copied into a Uint8Array, Node 20 on this machine). Inputs of one SHA-256 block
// (under 56 bytes) stay on the pure one-shot, which is as fast there (0.4-0.6 µs); from two
// blocks on (Merkle nodes are 65 bytes) the native call is faster (65 bytes: 0.37 vs 0.66 µs).

import { createHash, hash as oneShot } from 'node:crypto';
import type { Sha256Backend } from '../lib/core/hash';
import { sha256OneShot } from '../lib/core/sha256-oneshot';

/** Inputs shorter than this (one block with its padding) are hashed by the pure one-shot (see above). */
const NATIVE_FROM = 56;

/** A fresh Uint8Array (not a Buffer, which may be a view into Node's shared 8 KB pool). */
const own = (b: Buffer): Uint8Array => new Uint8Array(b);

/** SHA-256 by OpenSSL, read from its 'binary' (latin1) form: one char code per byte. */
function nativeHash(b: Uint8Array): Uint8Array {
  const s = oneShot('sha256', b, 'binary');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = s.charCodeAt(i);
  return out;
}

export const nodeSha256Backend: Sha256Backend = {
  name: 'node-crypto',
  hash: (b) => (b.length < NATIVE_FROM ? sha256OneShot(b) : nativeHash(b)),
  create: () => {
    const h = createHash('sha256');
    return {
      update: (chunk: Uint8Array) => h.update(chunk),
      digest: () => own(h.digest())
    };
  }
};
