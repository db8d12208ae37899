// Trust policy in the C2SP tlog-policy draft line format (tlog-formats.md §1.5; it follows the
// Sigsum policy file): which log keys sign checkpoints, which witnesses cosign them, and the k-of-n
// quorum that makes a checkpoint trustworthy (BUNDLE_FORMAT.md §5).
//
//   log <vkey> [url]                       the log's signed-note key (type 0x01)
//   witness <name> <vkey> [url]            a witness's cosignature/v1 key (type 0x04)
//   group <name> <k|all|any> <members…>    members are witnesses or groups defined EARLIER
//   quorum <name|none>                     exactly once
//   # comment                              to the end of the line; blank lines are ignored
//
// Names are unique across witnesses and groups; one key serves one witness only (cosignature/v1
// does not commit to the name). The quorum counts distinct witnesses, never signature lines.

import { toHex } from './bytes';
import { sha256 } from './hash';
import { openCheckpoint, type Checkpoint, type OpenCheckpointReason, type OpenedCheckpoint } from './checkpoint';
import { cosignatureVerifier, parseCosignature } from './cosignature';
import type { Ed25519Backend } from './ed25519';
import { ed25519NoteVerifier, parseVkey, SIG_COSIGNATURE_V1, SIG_ED25519, type NoteVerifier, type Result, type Vkey } from './note';

export interface PolicyLog {
  vkey: Vkey;
  vkeyText: string;
  url?: string;
}

export interface PolicyWitness {
  name: string;
  vkey: Vkey;
  vkeyText: string;
  url?: string;
}

export interface PolicyGroup {
  name: string;
  /** How many members must be satisfied ('any' = 1, 'all' = members.length). */
  threshold: number;
  members: string[];
}

export interface TrustPolicy {
  logs: PolicyLog[];
  witnesses: PolicyWitness[];
  groups: PolicyGroup[];
  /** The quorum's witness or group name; null for `quorum none` (no cosignature needed). */
  quorum: string | null;
}

export type PolicyReason = 'syntax' | 'bad-vkey' | 'wrong-key-type' | 'duplicate-name' | 'duplicate-key' | 'unknown-name' | 'bad-threshold' | 'quorum';

const DECIMAL = /^[1-9][0-9]*$/;
const NAME = /^[^\s#]+$/;

function fail(line: number, reason: PolicyReason, message: string): { ok: false; reason: PolicyReason; message: string } {
  return { ok: false, reason, message: line > 0 ? `policy line ${line}: ${message}` : message };
}

/** Parse and validate a policy text. Every error names its line. */
export function parseTrustPolicy(text: string): Result<TrustPolicy, PolicyReason> {
  const policy: TrustPolicy = { logs: [], witnesses: [], groups: [], quorum: null };
  const names = new Set<string>();
  const keys = new Set<string>();
  let quorumSeen = false;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const hash = lines[i]!.indexOf('#');
    const body = (hash >= 0 ? lines[i]!.slice(0, hash) : lines[i]!).trim();
    if (body === '') continue;
    const f = body.split(/[ \t]+/);
    const kw = f[0]!;
    const vkeyOf = (s: string, type: number): Result<Vkey, PolicyReason> => {
      const v = parseVkey(s);
      if (!v.ok) return fail(n, 'bad-vkey', v.message);
      if (v.value.type !== type) return fail(n, 'wrong-key-type', `${kw} keys must have signature type 0x0${type}`);
      const id = toHex(v.value.key);
      if (keys.has(id)) return fail(n, 'duplicate-key', `key ${s} is listed twice`);
      keys.add(id);
      return v;
    };
    if (kw === 'log') {
      if (f.length < 2 || f.length > 3) return fail(n, 'syntax', 'expected: log <vkey> [url]');
      const v = vkeyOf(f[1]!, SIG_ED25519);
      if (!v.ok) return v;
      policy.logs.push({ vkey: v.value, vkeyText: f[1]!, ...(f[2] ? { url: f[2] } : {}) });
    } else if (kw === 'witness') {
      if (f.length < 3 || f.length > 4) return fail(n, 'syntax', 'expected: witness <name> <vkey> [url]');
      const name = f[1]!;
      if (!NAME.test(name) || name === 'none') return fail(n, 'syntax', `invalid witness name ${JSON.stringify(name)}`);
      if (names.has(name)) return fail(n, 'duplicate-name', `name ${name} is already defined`);
      const v = vkeyOf(f[2]!, SIG_COSIGNATURE_V1);
      if (!v.ok) return v;
      names.add(name);
      policy.witnesses.push({ name, vkey: v.value, vkeyText: f[2]!, ...(f[3] ? { url: f[3] } : {}) });
    } else if (kw === 'group') {
      if (f.length < 4) return fail(n, 'syntax', 'expected: group <name> <k|all|any> <members…>');
      const name = f[1]!;
      if (!NAME.test(name) || name === 'none') return fail(n, 'syntax', `invalid group name ${JSON.stringify(name)}`);
      if (names.has(name)) return fail(n, 'duplicate-name', `name ${name} is already defined`);
      const members = f.slice(3);
      for (const m of members) if (!names.has(m)) return fail(n, 'unknown-name', `group member ${m} is not defined on an earlier line`);
      if (new Set(members).size !== members.length) return fail(n, 'duplicate-name', `group ${name} lists a member twice`);
      const t = f[2]!;
      const threshold = t === 'all' ? members.length : t === 'any' ? 1 : DECIMAL.test(t) ? Number(t) : NaN;
      if (!(threshold >= 1 && threshold <= members.length)) return fail(n, 'bad-threshold', `threshold ${t} must be all, any or 1..${members.length}`);
      names.add(name);
      policy.groups.push({ name, threshold, members });
    } else if (kw === 'quorum') {
      if (f.length !== 2) return fail(n, 'syntax', 'expected: quorum <name|none>');
      if (quorumSeen) return fail(n, 'quorum', 'quorum is defined twice');
      quorumSeen = true;
      if (f[1] !== 'none' && !names.has(f[1]!)) return fail(n, 'unknown-name', `quorum ${f[1]} is not defined on an earlier line`);
      policy.quorum = f[1] === 'none' ? null : f[1]!;
    } else return fail(n, 'syntax', `unknown keyword ${JSON.stringify(kw)}`);
  }
  if (policy.logs.length === 0) return fail(0, 'syntax', 'policy names no log key');
  if (!quorumSeen) return fail(0, 'quorum', 'policy has no quorum line');
  return { ok: true, value: policy };
}

/** Canonical text of a policy (one space between fields, definitions before use). */
export function formatTrustPolicy(p: TrustPolicy): string {
  const out: string[] = [];
  for (const l of p.logs) out.push(['log', l.vkeyText, ...(l.url ? [l.url] : [])].join(' '));
  for (const w of p.witnesses) out.push(['witness', w.name, w.vkeyText, ...(w.url ? [w.url] : [])].join(' '));
  for (const g of p.groups) {
    const t = g.threshold === g.members.length ? 'all' : g.threshold === 1 ? 'any' : String(g.threshold);
    out.push(['group', g.name, t, ...g.members].join(' '));
  }
  out.push(`quorum ${p.quorum ?? 'none'}`);
  return out.join('\n') + '\n';
}

export interface QuorumResult {
  satisfied: boolean;
  /** The distinct policy witnesses counted (sorted). */
  witnesses: string[];
  /** Per group: how many members were satisfied, for display. */
  groups: { name: string; satisfied: number; threshold: number; ok: boolean }[];
}

/**
 * Evaluate the quorum given the policy names of witnesses whose cosignature verified. Duplicates
 * count once; names not in the policy are ignored.
 */
export function evaluateQuorum(p: TrustPolicy, cosigners: Iterable<string>): QuorumResult {
  const known = new Set(p.witnesses.map((w) => w.name));
  const have = new Set<string>();
  for (const c of cosigners) if (known.has(c)) have.add(c);
  const ok = new Map<string, boolean>();
  for (const w of p.witnesses) ok.set(w.name, have.has(w.name));
  const groups: QuorumResult['groups'] = [];
  for (const g of p.groups) {
    const satisfied = g.members.filter((m) => ok.get(m) === true).length;
    ok.set(g.name, satisfied >= g.threshold);
    groups.push({ name: g.name, satisfied, threshold: g.threshold, ok: satisfied >= g.threshold });
  }
  return { satisfied: p.quorum === null || ok.get(p.quorum) === true, witnesses: [...have].sort(), groups };
}

/** Display fingerprint of a key: hex SHA-256 of the raw key bytes (shorten at the edge). */
export function keyFingerprint(key: Vkey | Uint8Array): string {
  return toHex(sha256(key instanceof Uint8Array ? key : key.key));
}

// ---------------------------------------------------------------------------------------------
// A checkpoint under a policy: log signature + witness quorum.

export interface CheckpointVerdict {
  checkpoint: Checkpoint;
  /** The policy log whose signature verified. */
  log: PolicyLog;
  /** Verified cosignatures by policy witness name, one per witness (signed-note verifies only the first line of each key). */
  cosignatures: { witness: string; timestamp: bigint }[];
  quorum: QuorumResult;
}

export type CheckpointPolicyReason = OpenCheckpointReason | 'no-log-signature' | 'quorum-not-met';

/**
 * Verify a signed checkpoint under a trust policy (tlog-formats.md §6): signed-note rules over the
 * log and witness keys (a failing signature from any known key rejects the note), at least one log
 * signature, the origin when given, and the witness quorum counted over distinct witnesses.
 */
export function verifyCheckpointWithPolicy(
  note: string | Uint8Array,
  p: TrustPolicy,
  backend: Ed25519Backend,
  options: { origin?: string } = {}
): Result<CheckpointVerdict, CheckpointPolicyReason> | Promise<Result<CheckpointVerdict, CheckpointPolicyReason>> {
  const logs = new Map<NoteVerifier, PolicyLog>();
  const witnesses = new Map<NoteVerifier, PolicyWitness>();
  for (const l of p.logs) logs.set(ed25519NoteVerifier(l.vkey, backend), l);
  for (const w of p.witnesses) witnesses.set(cosignatureVerifier(w.vkey, backend), w);
  const finish = (r: Result<OpenedCheckpoint, OpenCheckpointReason>): Result<CheckpointVerdict, CheckpointPolicyReason> => {
    if (!r.ok) return r;
    const verified = r.value.note.verified;
    const log = verified.map((s) => logs.get(s.verifier)).find((l) => l !== undefined);
    if (!log) return { ok: false, reason: 'no-log-signature', message: 'checkpoint carries no valid signature by a policy log key' };
    const newest = new Map<string, bigint>();
    for (const s of verified) {
      const w = witnesses.get(s.verifier);
      const c = w ? parseCosignature(s.sig) : null;
      if (w && c && (newest.get(w.name) ?? -1n) < c.timestamp) newest.set(w.name, c.timestamp);
    }
    const quorum = evaluateQuorum(p, newest.keys());
    if (!quorum.satisfied) {
      return { ok: false, reason: 'quorum-not-met', message: `witness quorum ${p.quorum} not met (${quorum.witnesses.length} distinct witnesses cosigned: ${quorum.witnesses.join(', ') || 'none'})` };
    }
    const cosignatures = [...newest].map(([witness, timestamp]) => ({ witness, timestamp })).sort((a, b) => (a.witness < b.witness ? -1 : 1));
    return { ok: true, value: { checkpoint: r.value.checkpoint, log, cosignatures, quorum } };
  };
  const r = openCheckpoint(note, [...logs.keys(), ...witnesses.keys()], options);
  return r instanceof Promise ? r.then(finish) : finish(r);
}
