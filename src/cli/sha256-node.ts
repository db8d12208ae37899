// node:crypto SHA-256 for core (hash.ts useSha256Backend): OpenSSL's SHA-256, 3–6× faster than the
// pure-JS default on event lines (issue 7), the same FIPS 180-4 function. Installed by the CLI
// entry point and by its signature worker threads.

import { createHash, hash as oneShot } from 'node:crypto';
import type { Sha256Backend } from '../lib/core/hash';

/** A fresh Uint8Array (not a Buffer, which may be a view into Node's shared 8 KB pool). */
const own = (b: Buffer): Uint8Array => new Uint8Array(b);

export const nodeSha256Backend: Sha256Backend = {
  name: 'node-crypto',
  hash: (b) => own(oneShot('sha256', b, 'buffer') as Buffer),
  create: () => {
    const h = createHash('sha256');
    return {
      update: (chunk: Uint8Array) => h.update(chunk),
      digest: () => own(h.digest())
    };
  }
};
