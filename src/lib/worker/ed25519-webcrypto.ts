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

/** A map key for 32 bytes: one char per byte (cheaper than hex; only ever compared, never shown). */
function idOf(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/**
 * The bytes as an ArrayBuffer-backed view: as they are when they already are (the pool's
 * transferred batches), else copied (WebCrypto rejects SharedArrayBuffer views).
 */
function own(b: Uint8Array): Uint8Array<ArrayBuffer> {
  if (b.buffer instanceof ArrayBuffer) return b as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

const ED25519 = { name: 'Ed25519' } as const;

/** The WebCrypto backend; `importKeys` imports a batch's new keys concurrently before it is verified. */
export type WebCryptoBackend = Ed25519Backend & { clearCache(): void; importKeys(pubs: readonly Uint8Array[]): Promise<void> };

export function createWebCryptoBackend(subtle: SubtleEd25519 | undefined = defaultSubtle()): WebCryptoBackend {
  if (!subtle) throw new TypeError('createWebCryptoBackend: no SubtleCrypto in this environment');
  const api = subtle;
  // Imported keys: a settled key is used without another await (issue 7: per-item promise hops
  // were a visible share of the signature workers' CPU next to the ~43 µs verify itself).
  const ready = new Map<string, Key | null>();
  const pending = new Map<string, Promise<Key | null>>();
  const importKey = (id: string, pub: Uint8Array): Promise<Key | null> => {
    let k = pending.get(id);
    if (k === undefined) {
      k = api.importKey('raw', own(pub), ED25519, false, ['verify']).then(
        (key) => key as Key,
        () => null
      );
      pending.set(id, k);
      void k.then((key) => {
        pending.delete(id);
        if (ready.size >= CACHE_MAX) ready.delete(ready.keys().next().value!);
        ready.set(id, key);
      });
    }
    return k;
  };
  const check = (key: Key | null, msg: Uint8Array, sig: Uint8Array): Promise<boolean> | boolean => {
    if (key === null) return false;
    try {
      return api.verify(ED25519, key as never, own(sig), own(msg)).catch(() => false);
    } catch {
      return false;
    }
  };
  return {
    name: 'webcrypto',
    verifyRaw(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): Promise<boolean> | boolean {
      if (pub.length !== 32 || sig.length !== 64) return false;
      const id = idOf(pub);
      const key = ready.get(id);
      if (key !== undefined) return check(key, msg, sig);
      return importKey(id, pub).then((k) => check(k, msg, sig));
    },
    clearCache(): void {
      ready.clear();
      pending.clear();
    },
    // One await for all of a batch's new keys instead of one round trip per new key on the
    // verify path (the first batches of a ledger bring hundreds of keys). Failures are cached as
    // null and reported by verifyRaw as a rejection, as before.
    async importKeys(pubs: readonly Uint8Array[]): Promise<void> {
      const waits: Promise<unknown>[] = [];
      for (const pub of pubs) {
        if (pub.length !== 32) continue;
        const id = idOf(pub);
        if (!ready.has(id)) waits.push(importKey(id, pub));
      }
      if (waits.length > 0) await Promise.all(waits);
    }
  };
}

/**
 * The WebCrypto backend if this engine has Ed25519 and passes the known-answer probe, else null
 * (callers then use core's pureBackend).
 */
export async function detectWebCryptoBackend(subtle: SubtleEd25519 | undefined = defaultSubtle()): Promise<WebCryptoBackend | null> {
  if (!subtle) return null;
  const backend = createWebCryptoBackend(subtle);
  return (await probeBackend(backend)) ? backend : null;
}
