// Getting a bundle's manifest.json in the worker, with one fallback: when the network itself fails
// (NetworkError: offline, DNS, connection refused or reset), a `?bundle=` URL that verified before
// in this browser is verified again from the manifest stored then (store.ts `manifests`). An HTTP
// answer (404, 5xx) is the server speaking and is reported as before; so is a failure with nothing
// stored. Nothing about trust changes: the stored manifest is parsed, every segment re-hashed
// against it and every signature checked, exactly as for a downloaded one; the result only says
// plainly that newer events on the server cannot be included.
import { BundleSourceError } from '$lib/core/bundle-source';
import { CacheCorruptError, type ManifestRecord, type VerifierCache } from '$lib/cache/store';
import { NetworkError, type ByteSource } from './sources';

export type ManifestLoad =
  /** `stored` is set when the network failed and this browser's stored copy is used. */
  | { ok: true; bytes: Uint8Array; stored: (ManifestRecord & { reason: string }) | null }
  /** Nothing to verify; `corrupt` is set when the stored copy turned out corrupt (and was cleared). */
  | { ok: false; message: string; corrupt: string | null };

/**
 * The manifest from `src`, or, when that fails for a network reason and `url` (a bundle URL, never
 * the demo or local files) has a stored manifest in `cache`, the stored one.
 */
export async function loadManifest(src: ByteSource, url: string | null, cache: VerifierCache | null): Promise<ManifestLoad> {
  let failure: unknown;
  try {
    return { ok: true, bytes: await src.manifest(), stored: null };
  } catch (e) {
    failure = e;
  }
  const why = failure instanceof BundleSourceError ? failure.message : (failure as Error).message;
  const message = `Could not read the bundle's manifest.json from ${src.label}: ${why}`;
  if (!(failure instanceof NetworkError) || url === null || cache === null) return { ok: false, message, corrupt: null };
  try {
    const rec = await cache.getManifest(url);
    return rec ? { ok: true, bytes: rec.bytes, stored: { ...rec, reason: why } } : { ok: false, message, corrupt: null };
  } catch (e) {
    // A corrupt record is this browser's storage, not the bundle: say so beside the old message.
    if (e instanceof CacheCorruptError) return { ok: false, message, corrupt: e.message };
    return { ok: false, message, corrupt: null };
  }
}
