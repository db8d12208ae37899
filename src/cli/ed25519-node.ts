// node:crypto Ed25519 backend for the CLI (OpenSSL 3; ~15k verifies/s per core with cached keys,
// perf-limits.md §2). Raw cofactorless verify only: the acceptance rule's prechecks run in
// core/ed25519.ts `verify` (or, for a signature worker's whole batch, core verifyPackedKeyed) before
// this is called (BUNDLE_FORMAT.md §7).

import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import type { Ed25519Backend } from '../lib/core/ed25519';
import type { KeyedBackend } from '../lib/core/signature-batch';

const CACHE_MAX = 8192;

export function createNodeBackend(): Ed25519Backend & { clearCache(): void; keyed: KeyedBackend<KeyObject> } {
  const cache = new Map<string, KeyObject | null>();
  const keyFor = (pub: Uint8Array): KeyObject | null => {
    const id = Buffer.from(pub.buffer, pub.byteOffset, pub.byteLength).toString('hex');
    let k = cache.get(id);
    if (k !== undefined) return k;
    try {
      // Imported as a JWK (RFC 8037 OKP), which hands the 32 bytes straight to OpenSSL, rather than as
      // SPKI DER, which goes through OpenSSL 3's decoder framework: ~13 µs instead of ~100-120 per
      // key here (12.3 µs, session 9). The 1M bench ledger has ~40k signers; each worker's 8,192-key
      // cache imports ~43k keys there (~0.5 CPU-s each; most are a first use in that worker). Neither
      // import checks the point; one that is not on the curve fails its verify.
      k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(pub.buffer, pub.byteOffset, 32).toString('base64url') }, format: 'jwk' });
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
    /**
     * The same keys and equation for core verifyPackedKeyed (a signature worker's whole batch): each
     * distinct key of a batch is looked up (or imported) once, not per item, and an item is one
     * verify with its handle (issue 7, session 9: the per-item key lookup, the core `verify` call and
     * the message and signature views were ~2-3 µs of each event's worker time).
     */
    keyed: {
      async handles(keys: Uint8Array): Promise<readonly (KeyObject | null)[]> {
        const out: (KeyObject | null)[] = [];
        for (let k = 0; k + 32 <= keys.length; k += 32) out.push(keyFor(keys.subarray(k, k + 32)));
        return out;
      },
      verify: (key: KeyObject, msg: Uint8Array, sig: Uint8Array): boolean => nodeVerify(null, msg, key, sig)
    },
    clearCache(): void {
      cache.clear();
    }
  };
}

/** One shared instance for the CLI. */
export const nodeBackend = createNodeBackend();
