// The manifest fallback of a `?bundle=` URL (src/lib/worker/offline-manifest.ts), over the real
// HttpSource with fetch stubbed: only a network failure (fetch rejects and a no-cors request gets no
// answer either, or the body stops arriving) uses the manifest stored for the URL; an HTTP answer
// (404, 5xx, or an error without CORS headers) and a URL with nothing stored give the same error as
// before; a corrupt stored record is reported as the cache.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadManifest } from '../../../src/lib/worker/offline-manifest';
import { HttpSource, NetworkError } from '../../../src/lib/worker/sources';
import { VerifierCache, type ManifestRecord } from '../../../src/lib/cache/store';
import { BundleSourceError } from '../../../src/lib/core/bundle-source';
import { sha256Hex } from '../../../src/lib/core/hash';
import { utf8 } from '../../../src/lib/core/bytes';
import { brokenBody } from './broken-body';

const URL_ = 'https://ledger.example/bundle/';
const LIVE = '{"events":20}';
const live = utf8(LIVE);
const kept = utf8('{"events":10}');
const record: ManifestRecord = { url: URL_, bytes: kept, manifestHash: sha256Hex(kept), files: { 'checkpoints/000000010.note': 'ab'.repeat(32) }, storedAt: '2026-11-25T09:30:00.000Z' };

let n = 0;
let cache: VerifierCache;
beforeEach(async () => {
  cache = new VerifierCache(`om-${n++}`);
  await cache.commitVerified({ manifestHash: record.manifestHash, origin: 'example.org/log', source: URL_, report: '{}' }, null, record);
});
afterEach(() => vi.unstubAllGlobals());

/**
 * fetch answering every request with `answer` (a Response to return, or an error to reject with),
 * and no-cors requests (the "does the server answer at all" probe) with `probe`.
 */
function serve(answer: () => Response | Error, probe: () => Response | Error = answer): string[] {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (u: URL, init?: RequestInit) => {
    asked.push(`${init?.mode === 'no-cors' ? 'no-cors ' : ''}${String(u)}`);
    const a = init?.mode === 'no-cors' ? probe() : answer();
    if (a instanceof Error) throw a;
    return a;
  });
  return asked;
}


const src = () => new HttpSource(URL_, URL_);

describe('HttpSource failure kinds', () => {
  it('a rejected fetch, with no answer to a no-cors request either, is a NetworkError (kind io, message as before)', async () => {
    const asked = serve(() => new TypeError('Failed to fetch'));
    const err = await src().manifest().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).toBeInstanceOf(BundleSourceError);
    expect((err as BundleSourceError).kind).toBe('io');
    expect((err as Error).message).toBe('could not download manifest.json: Failed to fetch');
    // Only the bundle URL is ever asked.
    expect(asked).toEqual([`${URL_}manifest.json`, `no-cors ${URL_}manifest.json`]);
  });

  it('a rejected fetch from a server that does answer (an HTTP error without CORS headers) is not a NetworkError', async () => {
    serve(
      () => new TypeError('Failed to fetch'),
      () => new Response(null, { status: 404 })
    );
    const err = await src().manifest().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleSourceError);
    expect(err).not.toBeInstanceOf(NetworkError);
    expect((err as BundleSourceError).kind).toBe('io');
    expect((err as Error).message).toBe('could not download manifest.json: Failed to fetch');
  });

  it('a body that stops arriving is a NetworkError for the manifest', async () => {
    serve(brokenBody);
    const err = await src().manifest().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect((err as Error).message).toBe('network error');
  });

  it('an HTTP answer is not a NetworkError: 404 is missing, 503 is io', async () => {
    serve(() => new Response('no', { status: 404 }));
    const missing = await src().manifest().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(BundleSourceError);
    expect(missing).not.toBeInstanceOf(NetworkError);
    expect((missing as BundleSourceError).kind).toBe('missing');
    serve(() => new Response('busy', { status: 503 }));
    const down = await src().manifest().catch((e: unknown) => e);
    expect(down).not.toBeInstanceOf(NetworkError);
    expect((down as BundleSourceError).kind).toBe('io');
  });
});

describe('loadManifest', () => {
  it('online: the server manifest, and nothing stored is used', async () => {
    const asked = serve(() => new Response(LIVE, { status: 200 }));
    const got = await loadManifest(src(), URL_, cache);
    expect(got).toEqual({ ok: true, bytes: live, stored: null });
    expect(asked).toEqual([`${URL_}manifest.json`]);
  });

  it('network error: the manifest stored for the URL, with when it was stored and why', async () => {
    serve(() => new TypeError('Failed to fetch'));
    const got = await loadManifest(src(), URL_, cache);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.bytes).toEqual(kept);
    expect(got.stored).toEqual({ ...record, reason: 'could not download manifest.json: Failed to fetch' });
  });

  it('a connection dropped mid-manifest also falls back', async () => {
    serve(brokenBody);
    const got = await loadManifest(src(), URL_, cache);
    expect(got.ok && got.stored?.bytes).toEqual(kept);
  });

  it('HTTP 404 and 503 are the server answering: the error as before, the stored manifest is not used', async () => {
    serve(() => new Response('no', { status: 404 }));
    expect(await loadManifest(src(), URL_, cache)).toEqual({
      ok: false,
      message: `Could not read the bundle's manifest.json from ${URL_}: could not download manifest.json: HTTP 404`,
      corrupt: null
    });
    serve(() => new Response('busy', { status: 503 }));
    expect(await loadManifest(src(), URL_, cache)).toEqual({
      ok: false,
      message: `Could not read the bundle's manifest.json from ${URL_}: could not download manifest.json: HTTP 503`,
      corrupt: null
    });
  });

  it('a server that answers without CORS headers is not "offline": the error as before', async () => {
    serve(
      () => new TypeError('Failed to fetch'),
      () => new Response(null, { status: 404 })
    );
    expect(await loadManifest(src(), URL_, cache)).toEqual({
      ok: false,
      message: `Could not read the bundle's manifest.json from ${URL_}: could not download manifest.json: Failed to fetch`,
      corrupt: null
    });
  });

  it('network error with nothing stored for the URL (or no cache, or not a URL source): the old message', async () => {
    serve(() => new TypeError('Failed to fetch'));
    const old = { ok: false, message: `Could not read the bundle's manifest.json from ${URL_}: could not download manifest.json: Failed to fetch`, corrupt: null };
    expect(await loadManifest(new HttpSource('https://other.example/b/', URL_), 'https://other.example/b/', cache)).toEqual(old);
    expect(await loadManifest(src(), URL_, null)).toEqual(old);
    // The demo and local files pass no URL: never a fallback, even if a record existed.
    expect(await loadManifest(src(), null, cache)).toEqual(old);
  });

  it('a corrupt stored manifest is reported as the cache (and cleared), with the old message for the bundle', async () => {
    await cache.rawPut('manifests', { ...record, bytes: utf8('{"events":11}') });
    serve(() => new TypeError('Failed to fetch'));
    const got = await loadManifest(src(), URL_, cache);
    expect(got).toEqual({
      ok: false,
      message: `Could not read the bundle's manifest.json from ${URL_}: could not download manifest.json: Failed to fetch`,
      corrupt: `local cache corrupt — cleared (stored manifest for ${URL_} does not hash to its recorded hash)`
    });
    expect(await cache.getManifest(URL_)).toBeNull();
  });
});
