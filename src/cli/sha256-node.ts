// node:crypto SHA-256 for core (hash.ts useSha256Backend): OpenSSL's SHA-256, about 2× faster than
// the pure-JS one-shot on event lines (issue 7), the same FIPS 180-4 function. Installed by the CLI
// entry point and by its signature worker threads. A node:crypto call costs ~0.7 µs on its own, so
// short inputs (Merkle nodes, placement weights, state-root leaves: 52–130 bytes) stay on the pure
// one-shot, which is faster below ~160 bytes on this machine (0.5 vs 1.0 µs at 52 bytes).

import { createHash, hash as oneShot } from 'node:crypto';
import type { Sha256Backend } from '../lib/core/hash';
import { sha256OneShot } from '../lib/core/sha256-oneshot';

/** Inputs shorter than this are hashed by the pure one-shot (see above). */
const NATIVE_FROM = 160;

/** A fresh Uint8Array (not a Buffer, which may be a view into Node's shared 8 KB pool). */
const own = (b: Buffer): Uint8Array => new Uint8Array(b);

export const nodeSha256Backend: Sha256Backend = {
  name: 'node-crypto',
  hash: (b) => (b.length < NATIVE_FROM ? sha256OneShot(b) : own(oneShot('sha256', b, 'buffer') as Buffer)),
  create: () => {
    const h = createHash('sha256');
    return {
      update: (chunk: Uint8Array) => h.update(chunk),
      digest: () => own(h.digest())
    };
  }
};
