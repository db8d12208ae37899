// The streaming bundle verifier, authenticity layer only (no economy): issuer bundles that verify,
// and precise failures for each kind of damage (BUNDLE_FORMAT.md §4–§8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64, fromBase64, toHex } from '../../src/lib/core/bytes';
import { canonicalize, type Json } from '../../src/lib/core/canonical-json';
import { authenticityOnly, verifyBundleSource, VerificationAborted, type VerifyOptions } from '../../src/lib/core/bundle-verifier';
import { pureBackend } from '../../src/lib/core/ed25519';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { signedMessage } from '../../src/lib/core/envelope';
import { parseManifest } from '../../src/lib/core/manifest';
import { leafHash, verifyInclusion } from '../../src/lib/core/merkle';
import { sequentialVerifier } from '../../src/lib/core/report';
import type { Envelope, Progress } from '../../src/lib/core/types';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { deriveKey } from '../../src/issuer/keys';
import { originFor } from '../../src/issuer/generate';
import { envelopeAt, locateSeq, makeFixture, manifestOf, replaceLine, segmentLines, seqsOfType, setManifest, writeSegment, type Fixture } from './ledger-fixture';

const SEED = 'bv1';
let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture(600, SEED);
});
afterAll(() => fx.cleanup());

const opts = (o: Partial<VerifyOptions> = {}): VerifyOptions => ({ signatures: sequentialVerifier(nodeBackend), replayer: authenticityOnly, ...o });
const verifyFiles = (files: Map<string, Uint8Array>, o: Partial<VerifyOptions> = {}) => verifyBundleSource(new MemorySource(files), opts(o));
const copy = () => new Map(fx.files);

/** Re-sign an edited envelope with the seed's key for `keyName` (as the issuer derives it). */
function resign(env: Record<string, Json>, keyName: string): string {
  const k = deriveKey(SEED, keyName);
  env['key'] = k.pubB64;
  const msg = signedMessage(env as unknown as Envelope);
  env['sig'] = toBase64(k.sign(msg));
  return canonicalize(env);
}

describe('bundle verifier: valid bundles', () => {
  it('verifies an issuer bundle: every event, signature, checkpoint and cosignature', async () => {
    const { report, index } = await verifyBundleSource(fx.source(), opts());
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.events).toBe(600);
    const m = fx.result.manifest;
    expect(report.epochs).toBe(m.epochs);
    expect(report.checkpointsVerified).toBe(m.epochs);
    // one signature per event, the operator's per checkpoint, two cosignatures per checkpoint
    expect(report.signaturesVerified).toBe(600 + 3 * m.epochs);
    expect(report.witnesses?.cosignaturesVerified).toBe(2 * m.epochs);
    expect(report.trust?.source).toBe('bundle');
    expect(report.log?.size).toBe(600);
    expect(index!.checkpoints.at(-1)!.size).toBe(600);
    expect(toHex(index!.checkpoints.at(-1)!.root)).toBe(report.log!.root);
    expect(report.accounts).toBe(fx.result.stats.users);
    expect(report.nodes).toBe(fx.result.stats.nodes);
  });

  it('gives the same report with the pure backend, and with lines split across tiny chunks', async () => {
    const a = await verifyBundleSource(fx.source(), opts());
    const b = await verifyBundleSource(fx.source(7), opts({ signatures: sequentialVerifier(pureBackend), batch: 5 }));
    expect(JSON.stringify(b.report)).toBe(JSON.stringify(a.report));
  });

  it('with a signature verifier still starting (a promise): the first segment downloads meanwhile, same report', async () => {
    const a = await verifyBundleSource(fx.source(), opts());
    const src = fx.source();
    const streamed: string[] = [];
    const watched = { label: src.label, manifest: () => src.manifest(), read: (p: string) => src.read(p), stream: (p: string) => (streamed.push(p), src.stream(p)) };
    let ready!: (v: ReturnType<typeof sequentialVerifier>) => void;
    const starting = new Promise<ReturnType<typeof sequentialVerifier>>((r) => (ready = r));
    const run = verifyBundleSource(watched, opts({ signatures: starting }));
    // The verifier is never given its signatures before it asks for the first segment (or gives up after 2 s).
    for (let i = 0; i < 400 && streamed.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(streamed).toEqual([fx.result.manifest.segments[0]!.path]);
    ready(sequentialVerifier(nodeBackend));
    expect(JSON.stringify((await run).report)).toBe(JSON.stringify(a.report));
  });

  it('keeps at most 4 signature batches dispatched ahead of the ordered pass, then waits for the oldest', async () => {
    const a = await verifyBundleSource(fx.source(), opts());
    const real = sequentialVerifier(nodeBackend);
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let calls = 0;
    const held = { verifyBatch: (items: Parameters<typeof real.verifyBatch>[0]) => (calls++, gate.then(() => real.verifyBatch(items))) };
    // 10-event batches: the first five lie in the first segment (256 events), so no segment end is queued among them.
    const run = verifyBundleSource(fx.source(), opts({ signatures: held, batch: 10 }));
    // Wait for the first dispatch, then until no batch has gone out for five ticks in a row (at most 4 s).
    let quiet = 0;
    for (let i = 0, seen = -1; i < 400 && quiet < 5; i++) {
      await new Promise((r) => setTimeout(r, 10));
      quiet = calls > 0 && calls === seen ? quiet + 1 : 0;
      seen = calls;
    }
    // five dispatched, one more than may be ahead: the ordered pass now waits for the first one's verdicts
    expect(calls).toBe(5);
    open();
    const b = await run;
    expect(calls).toBeGreaterThan(60); // every event batch, and the checkpoint notes' signatures
    expect(JSON.stringify(b.report)).toBe(JSON.stringify(a.report));
  });

  it('a signature verifier that fails to start fails the run (nothing is reported as verified)', async () => {
    await expect(verifyBundleSource(fx.source(), opts({ signatures: Promise.reject(new Error('no workers')) }))).rejects.toThrow('no workers');
  });

  it('re-reads exact entries and proves inclusion under the last checkpoint', async () => {
    const src = fx.source();
    const { index } = await verifyBundleSource(src, opts());
    const cp = index!.checkpoints.at(-1)!;
    for (const seq of [0, 1, 255, 256, 599]) {
      const entry = await index!.entry(src, seq);
      const { path, line } = locateSeq(fx.files, seq);
      expect(new TextDecoder().decode(entry)).toBe(segmentLines(fx.files, path)[line]);
      const { proof } = await index!.inclusion(src, seq, cp.size);
      expect(verifyInclusion(seq, cp.size, leafHash(entry), proof, cp.root)).toBe(true);
      expect(verifyInclusion(seq, cp.size, leafHash(entry), proof, leafHash(await index!.entry(src, 0)))).toBe(false);
    }
  });

  it('reports progress and honours cancellation', async () => {
    const seen: Progress[] = [];
    await verifyBundleSource(fx.source(), opts({ onProgress: (p) => seen.push(p), batch: 100 }));
    expect(seen[0]!.stage).toBe('manifest');
    expect(seen.at(-1)!.stage).toBe('done');
    expect(seen.at(-1)!.eventsDone).toBe(600);
    const token = { aborted: false };
    const run = verifyBundleSource(fx.source(), opts({ signal: token, batch: 50, onProgress: () => (token.aborted = true) }));
    await expect(run).rejects.toBeInstanceOf(VerificationAborted);
  });
});

describe('bundle verifier: trust', () => {
  it('accepts a matching pin and refuses a different one, naming what differs', async () => {
    const trust = fx.result.trust;
    const ok = await verifyBundleSource(fx.source(), opts({ trust }));
    expect(ok.report.ok).toBe(true);
    expect(ok.report.trust?.source).toBe('pinned');
    const other = { ...trust, policy: trust.policy.replace('group witnesses 2', 'group witnesses 1') };
    const bad = await verifyBundleSource(fx.source(), opts({ trust: other }));
    expect(bad.report.ok).toBe(false);
    expect(bad.report.failures[0]!.code).toBe('trust.mismatch');
    expect(bad.report.failures[0]!.message).toContain('group witnesses 1');
    const gov = await verifyBundleSource(fx.source(), opts({ trust: { ...trust, governance: trust.aegis } }));
    expect(gov.report.failures[0]!.message).toContain('governance key');
  });

  it('refuses an unparsable trust policy as trust.invalid', async () => {
    const files = copy();
    const m = manifestOf(files);
    (m['trust'] as Record<string, Json>)['policy'] = 'log nonsense\nquorum none\n';
    setManifest(files, m);
    const { report } = await verifyFiles(files);
    expect(report.failures[0]!.code).toBe('trust.invalid');
  });
});

describe('bundle verifier: damage is found at the exact seq', () => {
  it('a flipped signature bit: sig.invalid at that seq; audit mode goes on to the next damage', async () => {
    const files = copy();
    for (const seq of [100, 400]) {
      const env = envelopeAt(files, seq);
      const sig = fromBase64(env['sig'] as string)!;
      sig[10] = sig[10]! ^ 1;
      env['sig'] = toBase64(sig);
      replaceLine(files, seq, canonicalize(env));
    }
    const stop = await verifyFiles(files);
    expect(stop.report.failures).toHaveLength(1);
    expect(stop.report.failures[0]).toMatchObject({ seq: 100, code: 'sig.invalid' });
    const audit = await verifyFiles(files, { mode: 'audit' });
    const found = audit.report.failures.map((f) => [f.seq, f.code]);
    expect(found.filter(([, c]) => c === 'sig.invalid')).toEqual([
      [100, 'sig.invalid'],
      [400, 'sig.invalid']
    ]);
    // The damaged line is still a log entry: every checkpoint from the next close on signs another root.
    const closes = fx.result.manifest.checkpoints.map((c) => c.size - 1).filter((s) => s > 100);
    expect(found.filter(([, c]) => c !== 'sig.invalid')).toEqual(closes.map((s) => [s, 'checkpoint.root-mismatch']));
    expect(audit.report.events).toBe(600);
  });

  it('an attestation re-signed by the operator: signer.unauthorized, then the chain breaks', async () => {
    const files = copy();
    const seq = seqsOfType(files, 'aegis.attest')[5]!;
    const env = envelopeAt(files, seq);
    env['signer'] = 'operator';
    replaceLine(files, seq, resign(env, originFor(SEED)));
    const r = await verifyFiles(files, { mode: 'audit' });
    expect(r.report.failures[0]).toMatchObject({ seq, code: 'signer.unauthorized' });
    expect(r.report.failures[1]).toMatchObject({ seq: seq + 1, code: 'chain.prev-mismatch' });
  });

  it('a user event signed with a key that is not the attested one: signer.key-mismatch', async () => {
    const files = copy();
    const seq = seqsOfType(files, 'engagement')[3]!;
    const env = envelopeAt(files, seq);
    replaceLine(files, seq, resign(env, 'someone-else'));
    const r = await verifyFiles(files);
    expect(r.report.failures[0]).toMatchObject({ seq, code: 'signer.key-mismatch' });
  });

  it('an event by an unattested subject: signer.unknown', async () => {
    const files = copy();
    const seq = seqsOfType(files, 'engagement')[2]!;
    const env = envelopeAt(files, seq);
    env['signer'] = 'u-999999';
    (env['payload'] as Record<string, Json>)['actor'] = 'u-999999';
    replaceLine(files, seq, resign(env, 'subject/u-999999'));
    const r = await verifyFiles(files);
    expect(r.report.failures[0]).toMatchObject({ seq, code: 'signer.unknown' });
  });

  it('a removed event: seq.gap at its position; a duplicated one: seq.duplicate', async () => {
    const files = copy();
    const { path, line } = locateSeq(files, 50);
    const lines = segmentLines(files, path);
    writeSegment(files, path, [...lines.slice(0, line), ...lines.slice(line + 1)]);
    const m = manifestOf(files);
    m['events'] = (m['events'] as number) - 1;
    for (const c of m['checkpoints'] as Array<Record<string, Json>>) c['size'] = (c['size'] as number) - 1;
    setManifest(files, m);
    expect((await verifyFiles(files)).report.failures[0]).toMatchObject({ seq: 50, code: 'seq.gap' });

    const dup = copy();
    const l2 = segmentLines(dup, path);
    writeSegment(dup, path, [...l2.slice(0, line + 1), l2[line]!, ...l2.slice(line + 1)]);
    const m2 = manifestOf(dup);
    m2['events'] = (m2['events'] as number) + 1;
    for (const c of m2['checkpoints'] as Array<Record<string, Json>>) c['size'] = (c['size'] as number) + 1;
    setManifest(dup, m2);
    expect((await verifyFiles(dup)).report.failures[0]).toMatchObject({ seq: 51, code: 'seq.duplicate' });
  });

  it('file damage: missing segment, missing checkpoint, truncated last line, wrong listed hash', async () => {
    const seg = (fx.result.manifest.segments[0]!).path;
    const a = copy();
    a.delete(seg);
    expect((await verifyFiles(a)).report.failures[0]).toMatchObject({ seq: 0, code: 'segment.missing', file: seg });

    const cp = fx.result.manifest.checkpoints[1]!;
    const b = copy();
    // Its own file deleted, or its note pack (§6.1) cut where this note starts.
    if (cp.offset === undefined) b.delete(cp.path);
    else b.set(cp.path, b.get(cp.path)!.subarray(0, cp.offset));
    expect((await verifyFiles(b)).report.failures[0]).toMatchObject({ seq: cp.size - 1, code: 'checkpoint.missing' });

    const c = copy();
    writeSegment(c, seg, segmentLines(c, seg), false);
    const rc = await verifyFiles(c);
    expect(rc.report.failures[0]!.code).toBe('segment.truncated');

    const d = copy();
    const m = manifestOf(d);
    (m['segments'] as Array<Record<string, Json>>)[0]!['sha256'] = '0'.repeat(64);
    setManifest(d, m);
    expect((await verifyFiles(d)).report.failures[0]).toMatchObject({ seq: 0, code: 'segment.hash-mismatch' });
  });

  it('a checkpoint signed over a wrong root: checkpoint.root-mismatch at the close', async () => {
    const files = copy();
    const cp = fx.result.manifest.checkpoints[0]!;
    // Re-sign a checkpoint for the right size but the root of one size less (a forged history).
    const { checkpointText, cosignatureLine, noteBytes, signatureLine } = await import('../../src/issuer/notes');
    const { verifyBundleSource: run } = await import('../../src/lib/core/bundle-verifier');
    const { index } = await run(fx.source(), opts());
    const wrongRoot = await index!.rootAt(fx.source(), cp.size - 1);
    const text = checkpointText(originFor(SEED), cp.size, wrongRoot);
    const w = [1, 2].map((i) => deriveKey(SEED, `witness-${i}.qfs.example`));
    files.set(cp.path, noteBytes(text, [signatureLine(deriveKey(SEED, originFor(SEED)), text), ...w.map((k) => cosignatureLine(k, text, 1))]));
    const r = await verifyFiles(files);
    expect(r.report.failures[0]).toMatchObject({ seq: cp.size - 1, code: 'checkpoint.root-mismatch' });
  });

  it('refuses a manifest that is not canonical or lists an unsafe path', async () => {
    const a = copy();
    a.set('manifest.json', new TextEncoder().encode(new TextDecoder().decode(a.get('manifest.json')!).replace('{', '{ ')));
    expect((await verifyFiles(a)).report.failures[0]!.code).toBe('manifest.invalid');
    const b = copy();
    const m = manifestOf(b);
    (m['segments'] as Array<Record<string, Json>>)[0]!['path'] = '../etc/passwd';
    setManifest(b, m);
    expect((await verifyFiles(b)).report.failures[0]!.code).toBe('manifest.invalid');
    expect(parseManifest(b.get('manifest.json')!).ok).toBe(false);
  });

  it('an over-long line: limit.exceeded at its position, before anything after it', async () => {
    const files = copy();
    const seq = 30;
    const env = envelopeAt(files, seq);
    (env['payload'] as Record<string, Json>)['title'] = 'x'.repeat(70_000);
    replaceLine(files, seq, canonicalize(env));
    const r = await verifyFiles(files);
    expect(r.report.failures[0]).toMatchObject({ seq, code: 'limit.exceeded' });
  });

  it('a checkpoint listed at a size that is not an epoch close: checkpoint.size-mismatch', async () => {
    const files = copy();
    const m = manifestOf(files);
    const cps = m['checkpoints'] as Array<Record<string, Json>>;
    cps[0]!['size'] = (cps[0]!['size'] as number) - 1;
    setManifest(files, m);
    const r = await verifyFiles(files);
    expect(r.report.failures[0]).toMatchObject({ seq: (cps[0]!['size'] as number) - 1, code: 'checkpoint.size-mismatch' });
  });

  it('a bundle cut after a non-close event: epoch.incomplete at its last event', async () => {
    const files = copy();
    const closes = seqsOfType(files, 'epoch.close');
    const cut = closes.at(-2)! + 5; // five events into the last epoch
    const { path, line } = locateSeq(files, cut);
    const m0 = manifestOf(files);
    const segs = m0['segments'] as Array<Record<string, Json>>;
    const keep = segs.findIndex((x) => x['path'] === path);
    for (const x of segs.slice(keep + 1)) files.delete(x['path'] as string);
    m0['segments'] = segs.slice(0, keep + 1);
    m0['events'] = cut + 1;
    m0['checkpoints'] = (m0['checkpoints'] as Array<Record<string, Json>>).slice(0, -1);
    m0['epochs'] = (m0['epochs'] as number) - 1;
    setManifest(files, m0);
    writeSegment(files, path, segmentLines(files, path).slice(0, line + 1));
    // the last listed checkpoint must now cover every event: it does not, so the manifest is refused
    expect((await verifyFiles(files)).report.failures[0]!.code).toBe('manifest.invalid');
    const m1 = manifestOf(files);
    (m1['checkpoints'] as Array<Record<string, Json>>).push({ path: 'checkpoints/none.note', size: cut + 1 });
    m1['epochs'] = (m1['epochs'] as number) + 1;
    setManifest(files, m1);
    const r = await verifyFiles(files, { mode: 'audit' });
    const codes = r.report.failures.map((f) => f.code);
    expect(codes.slice(0, 3)).toEqual(['checkpoint.size-mismatch', 'epoch.incomplete', 'manifest.invalid']);
    expect(r.report.failures[1]!.seq).toBe(cut);
    // content files whose publication was cut off are no longer backed by an event
    expect(new Set(codes.slice(3))).toEqual(new Set(codes.length > 3 ? ['content.unknown'] : []));
  });

  it('audit mode skips a broken segment and checks the next one', async () => {
    // Split the single segment in two, then break the first one's listed hash.
    const files = copy();
    const seg = fx.result.manifest.segments[0]!;
    const lines = segmentLines(files, seg.path);
    files.delete(seg.path);
    const parts = [lines.slice(0, 250), lines.slice(250)];
    const m = manifestOf(files);
    m['segments'] = parts.map((p, i) => ({ bytes: 0, count: p.length, firstSeq: i * 250, path: `segments/part-${i}.ndjson`, sha256: '' }));
    setManifest(files, m);
    parts.forEach((p, i) => writeSegment(files, `segments/part-${i}.ndjson`, p));
    expect((await verifyFiles(files)).report.ok).toBe(true);
    const m2 = manifestOf(files);
    (m2['segments'] as Array<Record<string, Json>>)[0]!['sha256'] = '0'.repeat(64);
    setManifest(files, m2);
    const r = await verifyFiles(files, { mode: 'audit' });
    expect(r.report.failures).toHaveLength(1);
    expect(r.report.failures[0]).toMatchObject({ seq: 0, code: 'segment.hash-mismatch', file: 'segments/part-0.ndjson' });
    expect(r.report.events).toBe(600);
    // the second segment was still checked: damage there is found
    const env = envelopeAt(files, 400);
    env['prev'] = '0'.repeat(64);
    replaceLine(files, 400, canonicalize(env));
    const m3 = manifestOf(files);
    (m3['segments'] as Array<Record<string, Json>>)[0]!['sha256'] = '0'.repeat(64);
    setManifest(files, m3);
    const r2 = await verifyFiles(files, { mode: 'audit' });
    expect(r2.report.failures.map((f) => [f.seq, f.code])).toEqual([
      [0, 'segment.hash-mismatch'],
      [400, 'chain.prev-mismatch'],
      [401, 'chain.prev-mismatch'] // its id changed with its prev
    ]);
  });
});
