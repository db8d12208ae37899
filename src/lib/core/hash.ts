// Hash functions used by the bundle format: SHA-256 everywhere (event ids, Merkle log, note key
// IDs; BUNDLE_FORMAT.md §4–§5), SHA3 for QFS artifacts that use it (qfs-domain.md). Thin wrappers
// over @noble/hashes v2 so that every core module imports hashing from one place and bytes stay
// Uint8Array (STYLE.md 4).

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha3_256 as nobleSha3_256, sha3_512 as nobleSha3_512 } from '@noble/hashes/sha3.js';
import { toHex } from './bytes';
import { sha256OneShot } from './sha256-oneshot';

/**
 * Where SHA-256 is computed. Pure JS by default (one-shot: sha256-oneshot.ts, without per-call
 * allocations; streamed: @noble/hashes); a host with a native SHA-256 may
 * install one with `useSha256Backend` (the CLI installs node:crypto: 3–6× faster per event line, and
 * SHA-256 was a quarter of the ordered pass in the issue 7 profile of a 100k ledger). Core stays
 * closed (no node:* here): the host passes the functions in. Any backend computes the same FIPS
 * 180-4 function, so results never depend on it (tests/unit/hash-backend.test.ts).
 */
export interface Sha256Backend {
  readonly name: string;
  /** One-shot digest: 32 fresh bytes the caller may keep (not a view into a shared buffer). */
  hash(b: Uint8Array): Uint8Array;
  /** Incremental digest; `digest()` is called at most once. */
  create(): { update(chunk: Uint8Array): unknown; digest(): Uint8Array };
}

export const pureSha256Backend: Sha256Backend = {
  name: 'pure',
  hash: (b) => sha256OneShot(b),
  create: () => nobleSha256.create()
};

let backend: Sha256Backend = pureSha256Backend;

/** Install a SHA-256 backend for this thread (null: back to pure JS). Returns the previous one. */
export function useSha256Backend(b: Sha256Backend | null): Sha256Backend {
  if (b !== null && (typeof b.hash !== 'function' || typeof b.create !== 'function')) throw new TypeError('useSha256Backend: needs hash() and create()');
  const prev = backend;
  backend = b ?? pureSha256Backend;
  return prev;
}

/** The backend in use (its name is shown by benchmarks). */
export function sha256Backend(): Sha256Backend {
  return backend;
}

/** SHA-256 (FIPS 180-4) of `b`: 32 bytes. */
export function sha256(b: Uint8Array): Uint8Array {
  return backend.hash(b);
}

/** Lower-case hex SHA-256, for the edges (JSON fields, display). */
export function sha256Hex(b: Uint8Array): string {
  return toHex(backend.hash(b));
}

/** Incremental SHA-256 for streamed input (segment files). `digest()` may be called once. */
export interface Sha256Hasher {
  update(chunk: Uint8Array): Sha256Hasher;
  digest(): Uint8Array;
}

export function createSha256(): Sha256Hasher {
  const h = backend.create();
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
