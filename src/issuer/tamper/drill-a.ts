// Drill A, "Time Machine" (issue 6): a fresh verifier ingests a ledger, explains randomly chosen
// transactions, and every one must hold three ways: the explanation's recomputed value equals the
// ledger's (Ledger Truth, Policy Consistency), the event's Ed25519 signature verifies under the
// §7 rule, and its RFC 6962 inclusion proof verifies against a checkpoint signed by the operator
// and cosigned by a witness quorum (checked from the C2SP tlog-proof text, not from the verifier's
// own verdicts).

import type { BundleSource } from '../../lib/core/bundle-source';
import { fromBase64, toBase64 } from '../../lib/core/bytes';
import type { Replayer } from '../../lib/core/economy';
import { verify, type Ed25519Backend } from '../../lib/core/ed25519';
import { signedMessage } from '../../lib/core/envelope';
import type { EventIndex } from '../../lib/core/event-index';
import type { VerifyReport } from '../../lib/core/report';
import { verifyTlogProof } from '../../lib/core/tlog-proof';
import { parseTrustPolicy } from '../../lib/core/trust-policy';
import type { Envelope } from '../../lib/core/types';
import { SeededRandom } from './random';

/** Types whose value an explanation recomputes (docs/BUNDLE_FORMAT.md §10). */
export const EXPLAINABLE = ['reward.allocate', 'ranking.publish', 'storage.place'] as const;

export interface LoadedLedger {
  source: BundleSource;
  report: VerifyReport;
  index: EventIndex;
  replayer: Replayer;
}

export interface EventCheck {
  seq: number;
  type: string;
  /** What was explained, e.g. "reward of u-000123 at epoch 4". */
  subject: string;
  recorded: string;
  recomputed: string;
  valueMatches: boolean;
  signature: boolean;
  inclusion: boolean;
  /** Checkpoint size the proof was checked against, and the witnesses that cosigned it. */
  checkpoint: number | null;
  witnesses: string[];
  /** The C2SP tlog-proof text that was checked (for cross-checks with `atlas proof`). */
  tlogProof: string;
  problem: string;
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Seqs of every explainable event, in order (parsed from the log entries). */
export async function explainableSeqs(l: LoadedLedger): Promise<{ seq: number; env: Envelope }[]> {
  const out: { seq: number; env: Envelope }[] = [];
  const dec = new TextDecoder();
  for (let seq = 0; seq < l.index.size; seq++) {
    const env = JSON.parse(dec.decode(await l.index.entry(l.source, seq))) as Envelope;
    // A ranking with no entries (an epoch without engagement) has no value to explain.
    const empty = env.type === 'ranking.publish' && ((env.payload as { entries?: unknown[] }).entries?.length ?? 0) === 0;
    if ((EXPLAINABLE as readonly string[]).includes(env.type) && !empty) out.push({ seq, env });
  }
  return out;
}

/** The three checks of one event. */
export async function checkEvent(l: LoadedLedger, seq: number, backend: Ed25519Backend, rng: SeededRandom): Promise<EventCheck> {
  const entry = await l.index.entry(l.source, seq);
  const env = JSON.parse(new TextDecoder().decode(entry)) as Envelope;
  const p = env.payload as Record<string, unknown>;
  let subject = '';
  let recorded = '';
  let recomputed = '';
  let valueMatches = false;
  const problems: string[] = [];

  if (env.type === 'reward.allocate') {
    subject = `reward of ${str(p['account'])} at epoch ${env.epoch}`;
    const x = l.replayer.explainReward(str(p['account']), env.epoch);
    recorded = str(p['amount']);
    recomputed = x?.recomputed ?? '(no explanation)';
    valueMatches = !!x && x.recomputed === recorded && x.recorded?.amount === recorded && x.recorded.seq === seq && x.seq === seq && x.matches;
  } else if (env.type === 'ranking.publish') {
    const entries = p['entries'] as { cid: string; rank: number; score: string }[];
    if (entries.length === 0) throw new RangeError(`ranking.publish at seq ${seq} lists no entries; nothing to explain`);
    const pick = rng.pick(entries);
    subject = `rank ${pick.rank} (${pick.cid.slice(0, 12)}…) at epoch ${env.epoch}`;
    const x = l.replayer.explainRanking(pick.cid, env.epoch);
    recorded = `rank ${pick.rank} score ${pick.score}`;
    recomputed = x ? `rank ${x.recomputed.rank} score ${x.recomputed.score}` : '(no explanation)';
    valueMatches = !!x && recomputed === recorded && x.recorded?.seq === seq && x.recorded.rank === pick.rank && x.recorded.score === pick.score && x.matches;
  } else if (env.type === 'storage.place') {
    subject = `placement of ${str(p['cid']).slice(0, 12)}… at epoch ${env.epoch}`;
    const x = l.replayer.explainPlacement(str(p['cid']));
    recorded = `root ${str(p['root'])} on ${(p['fragments'] as { node: string }[]).map((f) => f.node).join(',')}`;
    recomputed = x ? `root ${x.rootRecomputed} on ${x.fragments.map((f) => f.expectedNode ?? '?').join(',')}` : '(no explanation)';
    valueMatches = !!x && recomputed === recorded && x.seq === seq && x.rootMatches && x.matches;
  } else {
    problems.push(`${env.type} has no explanation`);
  }
  if (!valueMatches) problems.push(`recomputed ${recomputed} ≠ recorded ${recorded}`);

  // Signature: the §7 rule over the signed message, with the key the envelope presents.
  const signature = (await verify(backend, fromBase64(env.key)!, signedMessage(env), fromBase64(env.sig)!)) === true;
  if (!signature) problems.push('signature does not verify');

  // Inclusion: a C2SP tlog-proof against the newest checkpoint covering the event, verified from
  // its text under the trust policy (operator signature, witness quorum, RFC 9162 §2.1.3.2 path).
  const cp = l.index.newestCheckpointCovering(seq);
  let inclusion = false;
  let witnesses: string[] = [];
  let tlogProof = '';
  if (!cp) problems.push('no checkpoint covers it');
  else {
    const { proof: path } = await l.index.inclusion(l.source, seq, cp.size);
    tlogProof = ['c2sp.org/tlog-proof@v1', `index ${seq}`, ...path.map((h) => toBase64(h)), '', ''].join('\n') + new TextDecoder().decode(cp.note);
    const policy = parseTrustPolicy(l.index.manifest.trust.policy);
    if (!policy.ok) problems.push(`trust policy: ${policy.message}`);
    else {
      const r = await verifyTlogProof(tlogProof, entry, policy.value, backend, { origin: l.index.manifest.origin });
      inclusion = r.ok && r.value.index === seq && r.value.checkpoint.size === cp.size;
      if (r.ok) witnesses = r.value.cosignatures.map((c) => c.witness);
      else problems.push(`tlog-proof: ${r.reason} ${r.message}`);
    }
  }
  return { seq, type: env.type, subject, recorded, recomputed, valueMatches, signature, inclusion, checkpoint: cp?.size ?? null, witnesses, tlogProof, problem: problems.join('; ') };
}

export interface DrillAResult {
  seed: number;
  candidates: number;
  checks: EventCheck[];
  passed: number;
}

/** Pick `n` explainable events with `seed` and check each. */
export async function runDrillA(l: LoadedLedger, o: { seed: number; n: number; backend: Ed25519Backend; log?: (line: string) => void }): Promise<DrillAResult> {
  const rng = new SeededRandom(o.seed);
  const all = await explainableSeqs(l);
  const picked = rng.sample(all, Math.min(o.n, all.length)).map((x) => x.seq);
  const checks: EventCheck[] = [];
  for (const seq of picked) {
    const c = await checkEvent(l, seq, o.backend, rng);
    checks.push(c);
    const ok = c.valueMatches && c.signature && c.inclusion;
    o.log?.(`  ${ok ? 'ok  ' : 'FAIL'} seq ${String(seq).padStart(6)} ${c.type.padEnd(16)} ${c.subject}: ${ok ? `value ${c.recomputed.slice(0, 40)}, signature, inclusion under checkpoint ${c.checkpoint} (${c.witnesses.join('+')})` : c.problem}`);
  }
  return { seed: o.seed, candidates: all.length, checks, passed: checks.filter((c) => c.valueMatches && c.signature && c.inclusion).length };
}
