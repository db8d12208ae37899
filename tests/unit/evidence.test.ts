// The evidence behind an explanation (src/lib/core/evidence.ts), on an issuer ledger verified in
// audit mode: an honest event's signer and a proof that verifies on its own; a flipped signature
// bit is not verified (and, its line being another leaf, no checkpoint after it vouches for it);
// an event past the newest verified checkpoint has no inclusion.
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { fromHex } from '../../src/lib/core/bytes';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import { sequentialVerifier } from '../../src/lib/core/report';
import { leafHash, verifyInclusion } from '../../src/lib/core/merkle';
import { evidenceFor, withEvidence, type EvidenceSource } from '../../src/lib/core/evidence';
import type { Replayer } from '../../src/lib/core/economy';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { BundleFiles, TamperSource } from '../../src/issuer/tamper';
import { forgeLastCheckpoint } from './forged-last-checkpoint';
import { useGeneratedLedger } from './generated-ledger';

const SEED = 'evidence';
let source: TamperSource;
useGeneratedLedger(SEED, 600, (s) => (source = s));

async function verified(b: BundleFiles): Promise<EvidenceSource & { replayer: Replayer; checkpointFindings: Array<{ code: string; file?: string; seq: number | null }> }> {
  const m = new Map<string, Uint8Array>();
  for (const p of b.paths()) if (p !== 'trust.json') m.set(p, b.get(p));
  const mem = new MemorySource(m);
  const { report, index } = await verifyBundle(mem, { signatures: sequentialVerifier(nodeBackend), mode: 'audit' });
  if (!index) throw new Error(`no index: ${report.failures[0]?.code}`);
  return {
    failures: report.failures,
    index,
    entry: (seq) => index.entry(mem, seq),
    read: (path) => mem.read(path),
    replayer: index.replayer as unknown as Replayer,
    checkpointFindings: report.failures.filter((f) => f.code.startsWith('checkpoint.'))
  };
}

const hex = (h: string): Uint8Array => fromHex(h)!;

describe('evidenceFor', () => {
  it('an honest reward event: signed by the operator, its proof verifies against the newest checkpoint on its own', async () => {
    const src = await verified(source.bundle);
    expect(src.failures).toEqual([]);
    const seq = [...Array(source.eventCount).keys()].find((s) => source.bundle.envelope(s).type === 'reward.allocate')!;
    const env = source.bundle.envelope(seq);
    const ev = await evidenceFor(src, seq);
    expect(ev.signature).toEqual({ valid: true, signer: 'operator', key: env.key });
    const last = src.index.checkpoints[src.index.checkpoints.length - 1]!;
    expect(last.size).toBe(source.eventCount);
    const inc = ev.inclusion!;
    expect(inc).toMatchObject({ checkpointSize: last.size, leafIndex: seq, valid: true });
    expect(hex(inc.checkpointRoot)).toEqual(last.root);
    // The proof is RFC 9162 data anyone can check: it proves this leaf and no other.
    const proof = inc.proof.map(hex);
    expect(proof.length).toBeGreaterThan(0);
    const leaf = leafHash(await src.entry(seq));
    expect(verifyInclusion(seq, inc.checkpointSize, leaf, proof, last.root)).toBe(true);
    expect(verifyInclusion(seq, inc.checkpointSize, leafHash(await src.entry(seq + 1)), proof, last.root)).toBe(false);
    expect(verifyInclusion(seq + 1, inc.checkpointSize, leaf, proof, last.root)).toBe(false);
  });

  it('a flipped signature bit: not verified, the claimed signer kept, no verified checkpoint after it; events before it keep their proof', async () => {
    const t = source.tamper('sig-bitflip', 1);
    const src = await verified(t.bundle);
    const seq = t.expected.seq!;
    expect(src.failures.some((f) => f.seq === seq && f.code === 'sig.invalid')).toBe(true);
    const ev = await evidenceFor(src, seq);
    expect(ev.signature).toEqual({ valid: false, signer: t.bundle.envelope(seq).signer, key: t.bundle.envelope(seq).key });
    // The altered line is another leaf: every checkpoint from it on is a root mismatch, and vouches for nothing.
    expect(src.checkpointFindings.length).toBeGreaterThan(0);
    expect(ev.inclusion).toBeNull();
    const good = src.index.checkpoints.filter((cp) => cp.size <= seq && !src.checkpointFindings.some((f) => f.file === cp.path && f.seq === cp.size - 1));
    const newestGood = good[good.length - 1]!;
    expect(newestGood, 'the flipped event lies after the first checkpoint').toBeDefined();
    const before = await evidenceFor(src, newestGood.size - 1);
    expect(before.signature?.valid).toBe(true);
    expect(before.inclusion).toMatchObject({ checkpointSize: newestGood.size, valid: true });
  });

  it('an event beyond the newest verified checkpoint: signature verified, no inclusion', async () => {
    // A forged operator signature on the last checkpoint: the log is intact, but nothing vouches for its last epoch.
    const t = forgeLastCheckpoint(source);
    const src = await verified(t.bundle);
    expect(src.failures.map((f) => f.code)).toEqual(['checkpoint.signature-invalid']);
    const seq = t.previousSize; // the first event after the newest verified checkpoint
    const ev = await evidenceFor(src, seq);
    expect(ev.signature).toEqual({ valid: true, signer: t.bundle.envelope(seq).signer, key: t.bundle.envelope(seq).key });
    expect(ev.inclusion).toBeNull();
    expect((await evidenceFor(src, seq - 1)).inclusion).toMatchObject({ checkpointSize: t.previousSize, valid: true });
  });

  it('an entry that cannot be read keeps its status but names no signer; a seq outside the log has no evidence', async () => {
    const src = await verified(source.bundle);
    const unreadable: EvidenceSource = { ...src, entry: () => Promise.reject(new Error('gone')) };
    const ev = await evidenceFor(unreadable, 5);
    expect(ev.signature).toEqual({ valid: true, signer: '', key: '' });
    expect(ev.inclusion?.valid).toBe(true);
    expect(await evidenceFor(src, source.eventCount)).toEqual({ signature: null, inclusion: null });
    expect(await evidenceFor(src, -1)).toEqual({ signature: null, inclusion: null });
  });

  it('withEvidence fills an explanation with a recorded event and leaves one without', async () => {
    const src = await verified(source.bundle);
    const accounts = src.replayer.accounts().filter((a) => a.rewards > 0 && a.account !== 'treasury');
    const x = src.replayer.explainReward(accounts[0]!.account, 1)!;
    expect(x.seq).not.toBeNull();
    expect(x.evidence).toBeNull();
    await withEvidence(x, src);
    expect(x.evidence).toEqual(await evidenceFor(src, x.seq!));
    const none = { seq: null, evidence: null };
    expect(await withEvidence(none, src)).toEqual({ seq: null, evidence: null });
  });
});
