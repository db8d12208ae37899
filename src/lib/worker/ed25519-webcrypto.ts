// WebCrypto Ed25519 backend for the Web Worker (BUNDLE_FORMAT.md §7). Engines differ on edge cases
// (Chromium/BoringSSL does no small-order checks, WICG/webcrypto-secure-curves#27), which is why
// core/ed25519.ts `verify` runs the acceptance rule's prechecks first and this backend only does
// the cofactorless equation. Keys are imported once per signer and cached. Note that Chromium's
// subtle.verify runs on the calling thread, so call it from the worker, not the page.

import { probeBackend, type Ed25519Backend } from '../core/ed25519';

const CACHE_MAX = 8192;

/** The slice of SubtleCrypto this backend uses (structural, so it type-checks under DOM and Node). */
export interface SubtleEd25519 {
  importKey(format: 'raw', keyData: Uint8Array<ArrayBuffer>, algorithm: { name: 'Ed25519' }, extractable: false, usages: ['verify']): Promise<unknown>;
  verify(algorithm: { name: 'Ed25519' }, key: never, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<boolean>;
}

type Key = Parameters<SubtleEd25519['verify']>[1];

function defaultSubtle(): SubtleEd25519 | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleEd25519 } }).crypto?.subtle;
}

function hexOf(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

/** Copy into a fresh ArrayBuffer-backed array (WebCrypto rejects SharedArrayBuffer views). */
function own(b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

export function createWebCryptoBackend(subtle: SubtleEd25519 | undefined = defaultSubtle()): Ed25519Backend & { clearCache(): void } {
  if (!subtle) throw new TypeError('createWebCryptoBackend: no SubtleCrypto in this environment');
  const api = subtle;
  const cache = new Map<string, Promise<Key | null>>();
  const keyFor = (pub: Uint8Array): Promise<Key | null> => {
    const id = hexOf(pub);
    let k = cache.get(id);
    if (k === undefined) {
      k = api.importKey('raw', own(pub), { name: 'Ed25519' }, false, ['verify']).then(
        (key) => key as Key,
        () => null
      );
      if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
      cache.set(id, k);
    }
    return k;
  };
  return {
    name: 'webcrypto',
    async verifyRaw(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): Promise<boolean> {
      if (pub.length !== 32 || sig.length !== 64) return false;
      const key = await keyFor(pub);
      if (key === null) return false;
      try {
        return await api.verify({ name: 'Ed25519' }, key, own(sig), own(msg));
      } catch {
        return false;
      }
    },
    clearCache(): void {
      cache.clear();
    }
  };
}

/**
 * The WebCrypto backend if this engine has Ed25519 and passes the known-answer probe, else null
 * (callers then use core's pureBackend).
 */
export async function detectWebCryptoBackend(subtle: SubtleEd25519 | undefined = defaultSubtle()): Promise<(Ed25519Backend & { clearCache(): void }) | null> {
  if (!subtle) return null;
  const backend = createWebCryptoBackend(subtle);
  return (await probeBackend(backend)) ? backend : null;
}
