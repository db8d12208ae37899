// Hash functions used by the bundle format: SHA-256 everywhere (event ids, Merkle log, note key
// IDs; BUNDLE_FORMAT.md §4–§5), SHA3 for QFS artifacts that use it (qfs-domain.md). Thin wrappers
// over @noble/hashes v2 so that every core module imports hashing from one place and bytes stay
// Uint8Array (STYLE.md 4).

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha3_256 as nobleSha3_256, sha3_512 as nobleSha3_512 } from '@noble/hashes/sha3.js';
import { toHex } from './bytes';

/** SHA-256 (FIPS 180-4) of `b`: 32 bytes. */
export function sha256(b: Uint8Array): Uint8Array {
  return nobleSha256(b);
}

/** Lower-case hex SHA-256, for the edges (JSON fields, display). */
export function sha256Hex(b: Uint8Array): string {
  return toHex(nobleSha256(b));
}

/** Incremental SHA-256 for streamed input (segment files). `digest()` may be called once. */
export interface Sha256Hasher {
  update(chunk: Uint8Array): Sha256Hasher;
  digest(): Uint8Array;
}

export function createSha256(): Sha256Hasher {
  const h = nobleSha256.create();
  let done = false;
  const api: Sha256Hasher = {
    update(chunk: Uint8Array): Sha256Hasher {
      if (done) throw new TypeError('createSha256: update() after digest()');
      h.update(chunk);
      return api;
    },
    digest(): Uint8Array {
      if (done) throw new TypeError('createSha256: digest() called twice');
      done = true;
      return h.digest();
    }
  };
  return api;
}

/** SHA3-256 (FIPS 202): 32 bytes. */
export function sha3_256(b: Uint8Array): Uint8Array {
  return nobleSha3_256(b);
}

/** SHA3-512 (FIPS 202): 64 bytes. */
export function sha3_512(b: Uint8Array): Uint8Array {
  return nobleSha3_512(b);
}
