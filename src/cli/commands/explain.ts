// atlas explain BUNDLE --account ID --epoch E [--json]
// atlas explain BUNDLE --content CID [--epoch E] [--json]
// Verifies the bundle (audit mode, so a bad ledger can still be explained), replays the economy and
// prints an Explain-This object (core/economy/explain.ts): a breakdown a person can follow, or the
// object itself with --json. The recorded event's signature status and its inclusion proof against
// the newest verified checkpoint are attached as `evidence` (core/evidence.ts, shared with the app).

import { displayAmount, parseAmount } from '../../lib/core/amount';
import type { BundleSource } from '../../lib/core/bundle-source';
import type { Evidence, PlacementExplanation, RankingExplanation, Replayer, RewardExplanation, Step } from '../../lib/core/economy';
import type { EventIndex } from '../../lib/core/event-index';
import { ContentReader } from '../../lib/core/manifest';
import { evidenceSource as runEvidence, withEvidence, type EvidenceSource } from '../../lib/core/evidence';
import type { VerifyReport } from '../../lib/core/report';
import { UsageError, parseBundleArgs, registerCommand } from '../command';
import { bundleSource, intOption, runVerification } from '../bundle-run';

export interface LoadedReplay {
  source: BundleSource;
  report: VerifyReport;
  index: EventIndex;
  replayer: Replayer;
}

/** Verify in audit mode and hand back the finished economy replay; null (after printing why) when there is none. */
export async function loadReplay(arg: string, trust: string | undefined, err: (t: string) => void): Promise<LoadedReplay | null> {
  const source = await bundleSource(arg);
  const { report, index } = await runVerification(source, { audit: true, ...(trust ? { trust } : {}) });
  if (!index) {
    const f = report.failures[0];
    err(`the bundle cannot be replayed: ${f ? `${f.code} ${f.message}` : 'no index'}`);
    return null;
  }
  return { source, report, index, replayer: index.replayer as unknown as Replayer };
}

/** Where `evidenceFor` (core/evidence.ts) reads this run's findings, log and entry bytes. */
export function evidenceSource(l: LoadedReplay): EvidenceSource {
  return runEvidence(l.report.failures, l.index, l.source);
}

const atr = (s: string): string => displayAmount(parseAmount(s));
const pts = (s: string): string => displayAmount(parseAmount(s), '');
const seqList = (seqs: number[], events: number): string => `${events} event${events === 1 ? '' : 's'}${seqs.length ? `: seq ${seqs.join(', ')}${events > seqs.length ? `, … (${events - seqs.length} more)` : ''}` : ''}`;
/** Formulas quote canonical amounts; show them as people write numbers (3.000000000000000000 → 3.00). */
const tidy = (text: string): string => text.replace(/\b\d+\.\d{18}\b/g, (m) => pts(m));
const row = (label: string, value: string, note = ''): string => `  ${label.padEnd(34, ' ')} ${value.padStart(22, ' ')}${note ? `   ${tidy(note)}` : ''}`;

function policyLine(p: RewardExplanation['policy']): string {
  if (!p) return 'Policy: none in force';
  return `Policy ${p.version} (hash ${p.hash.slice(0, 16)}…), in force for epochs ${p.fromEpoch}–${p.toEpoch ?? 'now'}, activated at seq ${p.activatedSeq}`;
}

function evidenceLines(ev: Evidence | null, seq: number | null): string[] {
  if (seq === null || !ev) return [];
  const out = [`Ledger event seq ${seq}: signature ${ev.signature?.valid ? 'verified' : 'NOT verified'}${ev.signature?.signer ? ` (signed by ${ev.signature.signer})` : ''}`];
  if (ev.inclusion) out.push(`  included in the log of checkpoint size ${ev.inclusion.checkpointSize} (root ${ev.inclusion.checkpointRoot.slice(0, 16)}…): ${ev.inclusion.proof.length}-hash proof ${ev.inclusion.valid ? 'verified' : 'FAILED'}`);
  else out.push('  no verified checkpoint covers it');
  return out;
}

export function formatReward(x: RewardExplanation): string {
  const v = (id: string): Step => x.steps.find((s) => s.id === id)!;
  const i = x.inputs;
  const lines = [
    `Reward of ${x.account} for epoch ${x.epoch}`,
    policyLine(x.policy),
    `Identity: ${x.identity.status}${x.identity.attestationSeq !== null ? `, AEGIS attestation at seq ${x.identity.attestationSeq}` : ''}${x.identity.revocationSeq !== null ? `, revoked at seq ${x.identity.revocationSeq}` : ''}`,
    '',
    `What the account did in epoch ${x.epoch} (${seqList(i.seqs, i.events)})`,
    `  ${i.signals.view} view, ${i.signals.like} like, ${i.signals.share} share, ${i.signals.comment} comment; ${i.publications} item(s) published`,
    '',
    'How the reward weight is built (points)',
    row('Engagement signals', pts(v('signal-base').value), v('signal-base').formula),
    row('+ Content published', pts(v('publication-base').value), v('publication-base').formula),
    row('= Base', pts(v('base').value)),
    row('Consecutive active epochs', v('streak').value, v('streak').formula),
    row('+ Streak bonus', pts(v('streak-bonus').value), v('streak-bonus').formula),
    row('= Reward weight', pts(v('weight').value)),
    '',
    'How the pool is shared',
    row('Epoch emission pool', atr(v('pool').value)),
    row('Weight of all eligible accounts', pts(v('total-weight').value)),
    row('Pro-rata share', atr(v('pool-share').value), v('pool-share').formula),
    row('Cap per account', atr(v('cap-per-account').value)),
    row('Cap as share of pool', atr(v('cap-share-of-pool').value), v('cap-share-of-pool').formula),
    row(v('cap').label, atr(v('cap').value)),
    '',
    'Guards',
    ...x.guards.map((g) => `  ${g.pass ? 'pass' : 'FAIL'}  ${g.name}: ${g.reason}`),
    '',
    `Reward: ${atr(x.recomputed)}   (exactly ${x.recomputed})`,
    x.recorded ? `Recorded at seq ${x.recorded.seq}: ${atr(x.recorded.amount)} — ${x.matches ? 'matches the replay' : 'DIFFERS from the replay'}` : `Recorded: no reward.allocate — ${x.matches ? 'as expected' : 'MISSING'}`,
    ...evidenceLines(x.evidence, x.seq)
  ];
  if (x.epochTotals) lines.push('', `Epoch ${x.epoch}: ${x.epochTotals.rewardedAccounts} account(s) rewarded, ${atr(x.epochTotals.distributed)} distributed + ${atr(x.epochTotals.remainder)} to the treasury = ${atr(x.epochTotals.pool)}`);
  return lines.join('\n');
}

export function formatRanking(x: RankingExplanation): string {
  const i = x.inputs;
  return [
    `Ranking of content ${x.cid} at epoch ${x.epoch}`,
    x.content ? `"${x.content.title}" by ${x.content.author}, ${x.content.size} bytes, published at seq ${x.content.publishedSeq} (epoch ${x.content.publishedEpoch})` : '',
    policyLine(x.policy),
    '',
    `Engagement in epoch ${x.epoch} (${seqList(i.seqs, i.events)})`,
    ...x.steps.map((s) => row(s.label, s.id === 'rank' ? s.value : pts(s.value), s.formula)),
    '',
    x.rank !== null
      ? `Rank ${x.rank} of ${x.rankedCount}${x.inTop ? ` (in the published top ${x.topN})` : ` (outside the published top ${x.topN})`}`
      : x.recomputed.score === '0.000000000000000000'
        ? 'Not ranked (score 0)'
        : `Ranked below the first ${x.rankDepth} of ${x.rankedCount} (outside the published top ${x.topN})`,
    ...x.neighbours.map((n) => `  rank ${n.rank}: ${n.cid.slice(0, 16)}… score ${pts(n.score)}`),
    x.recorded ? `Recorded at seq ${x.recorded.seq}: ${x.recorded.rank === null ? 'not listed' : `rank ${x.recorded.rank}, score ${pts(x.recorded.score!)}`} — ${x.matches ? 'matches the replay' : 'DIFFERS from the replay'}` : 'Recorded: no ranking.publish for this epoch',
    ...evidenceLines(x.evidence, x.seq)
  ]
    .filter((l, k) => l !== '' || k > 0)
    .join('\n');
}

export function formatPlacement(x: PlacementExplanation): string {
  const shape = x.scheme === 'erasure' ? `erasure code: ${x.k} data + ${x.n - x.k} parity fragments of ${x.fragmentSize} bytes; any ${x.k} rebuild it` : `${x.n} replicas of ${x.fragmentSize} bytes`;
  const lines = [
    `Storage of content ${x.cid}`,
    x.content ? `"${x.content.title}" by ${x.content.author}, ${x.content.size} bytes, published at seq ${x.content.publishedSeq}` : '',
    policyLine(x.policy),
    `Placed at seq ${x.seq} (epoch ${x.epoch}): ${shape}`,
    `Fragment root ${x.root}: ${x.rootMatches ? 'recomputed from the fragment hashes, matches' : `DIFFERS (recomputed ${x.rootRecomputed})`}`,
    '',
    'Fragments (rendezvous hashing: eligible nodes ranked by SHA-256(cid ‖ node id); fragment i takes the i-th pick, one per zone when the policy asks)',
    ...x.fragments.map((f) => {
      const proofs = f.proofs.length ? `; proofs ${f.proofs.map((p) => `seq ${p.seq} ${p.valid ? 'valid' : 'INVALID'}`).join(', ')}` : '';
      const who = f.matches ? f.node : `${f.node} (replay says ${f.expectedNode ?? 'none'})`;
      return `  #${f.index} on ${who}, zone ${f.zone ?? '-'}, ${f.identity.status}${f.identity.attestationSeq !== null ? ` (attested seq ${f.identity.attestationSeq})` : ''}; hash ${f.hash.slice(0, 16)}…${proofs}`;
    }),
    '',
    'Redundancy (fragments on live verified nodes − fragments needed = node losses it survives)',
    `  ${x.redundancy.map((r) => `epoch ${r.epoch}: ${r.redundancy}`).join(', ')}`,
    `Placement ${x.matches ? 'matches the replay' : 'DIFFERS from the replay'}`,
    x.bytes ? `Content bytes: ${x.bytes.ok ? x.bytes.message : `MISMATCH ${x.bytes.message}`}` : 'Content bytes: not shipped in this bundle (fragment hashes taken as recorded)',
    ...evidenceLines(x.evidence, x.seq)
  ];
  return lines.filter((l) => l !== '').join('\n');
}

registerCommand({
  name: 'explain',
  summary: 'explain a reward (--account, --epoch), a content ranking (--content, --epoch) or a storage placement (--content)',
  usage: 'atlas explain BUNDLE (--account ID --epoch E | --content CID [--epoch E]) [--json] [--trust FILE]',
  async run(args, io) {
    const v = parseBundleArgs(args, { account: { type: 'string' }, content: { type: 'string' }, epoch: { type: 'string' }, json: { type: 'boolean' }, trust: { type: 'string' } });
    const { account, content } = v.values;
    const epoch = intOption(v.values.epoch, 'epoch');
    if ((account === undefined) === (content === undefined)) throw new UsageError('give either --account ID --epoch E or --content CID');
    if (account !== undefined && epoch === undefined) throw new UsageError('--account needs --epoch E');
    if (content !== undefined && !/^[0-9a-f]{64}$/.test(content)) throw new UsageError('--content must be a content id (64 lowercase hex digits)');
    const l = await loadReplay(v.bundle, v.values.trust, io.err);
    if (!l) return 1;
    let x: RewardExplanation | RankingExplanation | PlacementExplanation | null;
    if (account !== undefined) x = l.replayer.explainReward(account, epoch!);
    else if (epoch !== undefined) x = l.replayer.explainRanking(content!, epoch);
    else x = l.replayer.explainPlacement(content!);
    if (!x) {
      io.err(account !== undefined ? `atlas explain: no reward to explain for ${account} at epoch ${epoch} (unknown account, or no policy in force)` : `atlas explain: content ${content} ${epoch !== undefined ? `has no ranking at epoch ${epoch}` : 'has no storage placement'} in this ledger`);
      return 1;
    }
    await withEvidence(x, evidenceSource(l));
    if (x.kind === 'placement') {
      const ref = l.index.manifest.content.find((c) => c.cid === x.cid);
      if (ref) {
        const found = l.replayer.verifyContentBytes(x.cid, await new ContentReader((p) => l.source.read(p)).bytes(ref));
        x.bytes = found.length ? { ok: false, message: found.map((f) => `${f.code}: ${f.message}`).join('; ') } : { ok: true, message: `${ref.offset === undefined ? ref.path : `${ref.path} bytes ${ref.offset}..${ref.offset + ref.bytes}`} shipped: its ${x.n} fragments were re-derived from the bytes and match the recorded hashes and root` };
      }
    }
    if (v.values.json) io.out(JSON.stringify(x));
    else io.out(x.kind === 'reward' ? formatReward(x) : x.kind === 'ranking' ? formatRanking(x) : formatPlacement(x));
    return 0;
  }
});
