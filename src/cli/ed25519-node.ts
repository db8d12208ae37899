// node:crypto Ed25519 backend for the CLI (OpenSSL 3; ~15k verifies/s per core with cached keys,
// perf-limits.md §2). Raw cofactorless verify only: the acceptance rule's prechecks run in
// core/ed25519.ts `verify` before this is called (BUNDLE_FORMAT.md §7).

import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { Ed25519Backend } from '../lib/core/ed25519';

/** SPKI DER prefix of an Ed25519 public key (RFC 8410 §4): SEQUENCE { AlgorithmIdentifier 1.3.101.112, BIT STRING }. */
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const CACHE_MAX = 8192;

export function createNodeBackend(): Ed25519Backend & { clearCache(): void } {
  const cache = new Map<string, KeyObject | null>();
  const keyFor = (pub: Uint8Array): KeyObject | null => {
    const id = Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('hex');
    let k = cache.get(id);
    if (k !== undefined) return k;
    try {
      k = createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pub]), format: 'der', type: 'spki' });
    } catch {
      k = null; // not a point OpenSSL can decode
    }
    if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
    cache.set(id, k);
    return k;
  };
  return {
    name: 'node-crypto',
    verifyRaw(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
      if (pub.length !== 32 || sig.length !== 64) return false;
      const key = keyFor(pub);
      if (key === null) return false;
      try {
        return nodeVerify(null, msg, key, sig);
      } catch {
        return false;
      }
    },
    clearCache(): void {
      cache.clear();
    }
  };
}

/** One shared instance for the CLI. */
export const nodeBackend = createNodeBackend();
