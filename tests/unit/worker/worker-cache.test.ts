// The verifier worker and this browser's cache (fake-indexeddb), through the real comlink protocol:
// a load reports what the cached files take against the budget; "clear cached files" empties them
// and keeps the checkpoint memory; and a content item's bytes can be re-hashed with the network
// gone when this load kept them, or the answer says plainly (offline) why they cannot be.
import 'fake-indexeddb/auto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type * as Comlink from 'comlink';
import type { VerifierApi } from '../../../src/lib/worker/verifier.worker';
import { DEFAULT_BUDGET, VerifierCache } from '../../../src/lib/cache/store';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBundle } from '../../../src/issuer/generate';
import { TamperSource, type BundleFiles } from '../../../src/issuer/tamper';
import { serveBytes, startVerifierWorker } from './in-process-verifier';
import { sha256Hex } from '../../../src/lib/core/hash';

const SEED = 'worker-cache';
let source: TamperSource;
let trust: unknown;
let server: Server;
let base = '';
/** The network is gone: every request's connection is dropped (fetch rejects, as offline). */
let offline = false;
/** What the server serves instead of the honest bundle, when set. */
let served: BundleFiles | null = null;
let remote: Comlink.Remote<VerifierApi>;
let close: () => void;

let dir = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-worker-cache-'));
  trust = (await generateBundle({ out: join(dir, 'ledger'), events: 400, seed: SEED })).trust;
  source = await TamperSource.loadGenerated(join(dir, 'ledger'), SEED);
  // /url/<file> and /site/demo/<file> both serve the generated bundle.
  ({ base, server } = await serveBytes((parts) => {
    const path = (parts[0] === 'site' && parts[1] === 'demo' ? parts.slice(2) : parts.slice(1)).join('/');
    const b = served ?? source.bundle;
    return b.paths().includes(path) ? b.get(path) : null;
  }, () => offline));
  ({ remote, close } = await startVerifierWorker());
}, 300_000);
afterAll(() => {
  close?.();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const loadUrl = () => remote.load({ kind: 'url', url: `${base}url/` }, { trust, audit: false, base: `${base}site/` });
const loadDemo = () => remote.load({ kind: 'demo' }, { trust, audit: false, base: `${base}site/` });

async function shippedContent(): Promise<string> {
  const item = (await remote.contentList()).find((c) => c.bytesInBundle);
  expect(item).toBeDefined();
  return item!.cid;
}

describe('verifier worker and the cache', () => {
  it('reports what the cached files take after a load, against the budget', async () => {
    offline = false;
    const r = await loadUrl();
    expect(r.status).toBe('verified');
    expect(r.cache.status).toBe('ok');
    const usage = r.cache.status === 'ok' ? r.cache.usage : undefined;
    // Every segment is held, and the notes and content this URL load kept (for offline use).
    const segments = source.bundle.paths().filter((p) => p.startsWith('segments/'));
    const segmentBytes = segments.reduce((s, p) => s + source.bundle.get(p).length, 0);
    expect(usage).toMatchObject({ bundles: 1, budget: DEFAULT_BUDGET, evicted: [] });
    expect(usage!.bytes).toBeGreaterThan(segmentBytes);
    expect(await remote.cacheUsage()).toEqual({ ok: true, value: { ...usage, evicted: [] } });
  });

  it('re-hashes a content item with the network gone: the bytes this load kept come from the cache', async () => {
    offline = false;
    expect((await loadUrl()).status).toBe('verified');
    const cid = await shippedContent();
    offline = true;
    const r = await remote.checkContentBytes(cid);
    offline = false;
    expect(r.ok).toBe(true);
    expect(r.ok && r.value.matchesCid).toBe(true);
  });

  it('says plainly, as an offline answer, when the bytes were not kept and the network is gone', async () => {
    offline = false;
    expect((await loadDemo()).status).toBe('verified');
    const cid = await shippedContent();
    offline = true;
    const r = await remote.checkContentBytes(cid);
    offline = false;
    expect(r).toMatchObject({ ok: false, offline: true });
    expect(!r.ok && r.error).toMatch(/^The bytes of this content are not stored in this browser, and demo cannot be reached to download them \(could not download content\//);
    expect(!r.ok && r.error).toMatch(/try again once online\.$/);
    // Online again, the same question is answered as before.
    const again = await remote.checkContentBytes(cid);
    expect(again.ok && again.value.matchesCid).toBe(true);
  });

  it('"clear cached files" empties the files and keeps the checkpoint memory', async () => {
    offline = false;
    expect((await loadUrl()).status).toBe('verified');
    const cleared = await remote.clearCachedFiles();
    expect(cleared).toMatchObject({ ok: true, value: { bytes: 0, bundles: 0 } });
    const r = await loadUrl();
    expect(r.status).toBe('verified');
    // Downloaded again (nothing from the cache), but the log's checkpoint is still remembered.
    expect(r.cache).toMatchObject({ status: 'ok', filesFromCache: 0 });
    expect(r.anchor?.kind).toBe('same');
  });
});

describe('verifier worker: signatures recalled on a revisit', () => {
  const recheck = () => remote.load({ kind: 'url', url: `${base}url/` }, { trust, audit: false, base: `${base}site/`, recheckSignatures: true });

  it('a revisit served from the cache recalls the signatures of its segments and reports the same; "check every signature" checks them all', async () => {
    offline = false;
    served = null;
    expect(await remote.clearCachedFiles()).toMatchObject({ ok: true });
    const first = await loadUrl();
    expect(first.status).toBe('verified');
    expect(first.signaturesRecalled).toBe(0);
    const again = await loadUrl();
    expect(again.cache).toMatchObject({ status: 'ok' });
    expect(again.cache.status === 'ok' && again.cache.filesFromCache).toBeGreaterThan(0);
    expect(again.signaturesRecalled).toBe(400); // every event: the segment came from the cache
    expect(again.report).toEqual(first.report);
    const all = await recheck();
    expect(all.signaturesRecalled).toBe(0);
    expect(all.report).toEqual(first.report);
    expect((await loadUrl()).signaturesRecalled).toBe(400); // the records were kept
    // Cleared with the files: the next load downloads and checks everything.
    await remote.clearCachedFiles();
    expect((await loadUrl()).signaturesRecalled).toBe(0);
  });

  it('a segment that is other bytes is checked, not recalled: a flipped signature is found', async () => {
    offline = false;
    served = null;
    expect((await loadUrl()).status).toBe('verified');
    const t = source.tamper('sig-bitflip', 5);
    served = t.bundle;
    try {
      const r = await loadUrl();
      expect(r.status).toBe('failed');
      expect(r.signaturesRecalled).toBe(0);
      expect(r.report?.failures[0]).toMatchObject({ code: t.expected.code, seq: t.expected.seq });
    } finally {
      served = null;
    }
  });

  it('a malformed signature record is local cache corruption: cleared, reported as such, and every signature checked', async () => {
    offline = false;
    served = null;
    expect((await loadUrl()).status).toBe('verified');
    const segment = source.bundle.paths().find((p) => p.startsWith('segments/'))!;
    await new VerifierCache().rawPut('signatures', { hash: sha256Hex(source.bundle.get(segment)), rule: 'x', events: 'all' });
    const r = await loadUrl();
    expect(r.status).toBe('verified');
    expect(r.cache).toMatchObject({ status: 'corrupt-cleared' });
    expect(r.signaturesRecalled).toBe(0);
  });
});
