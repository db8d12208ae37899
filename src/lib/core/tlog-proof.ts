// C2SP tlog-proof (c2sp.org/tlog-proof@v1, draft; tlog-formats.md §1.5): one entry's inclusion
// proof bundled with a signed, cosigned checkpoint, so it can be checked offline with tools that
// are not ours (golang.org/x/mod sumdb/note + sumdb/tlog: tests/interop).
//
//   c2sp.org/tlog-proof@v1
//   [extra <base64>]          optional, NOT authenticated by anything
//   index <n>
//   <base64 hash>             inclusion proof, leaf sibling first, 0..63 lines
//   <blank line>
//   <checkpoint note>         verbatim, signatures included
//
// Verification order (spec): leaf hash from the entry bytes, log signature, witness quorum, then
// inclusion against the checkpoint's root.

import { fromBase64, toBase64 } from './bytes';
import type { Checkpoint } from './checkpoint';
import type { Ed25519Backend } from './ed25519';
import { leafHash, verifyInclusion } from './merkle';
import type { Result } from './note';
import { verifyCheckpointWithPolicy, type CheckpointPolicyReason, type CheckpointVerdict, type TrustPolicy } from './trust-policy';

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';
const MAX_PROOF_HASHES = 63;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

export interface TlogProof {
  /** Unauthenticated extra data, when present. */
  extra?: Uint8Array;
  index: number;
  proof: Uint8Array[];
  /** The checkpoint note, verbatim. */
  checkpoint: string;
}

export type TlogProofReason = 'syntax' | 'bad-index' | 'bad-hash' | 'too-many-hashes';

const fail = <R extends string>(reason: R, message: string): { ok: false; reason: R; message: string } => ({ ok: false, reason, message });

export function formatTlogProof(p: TlogProof): string {
  if (!Number.isSafeInteger(p.index) || p.index < 0) throw new RangeError(`invalid index ${p.index}`);
  if (p.proof.length > MAX_PROOF_HASHES || p.proof.some((h) => h.length !== 32)) throw new TypeError('proof must be at most 63 hashes of 32 bytes');
  if (!p.checkpoint.endsWith('\n')) throw new TypeError('checkpoint note must end with a newline');
  const lines = [TLOG_PROOF_HEADER];
  if (p.extra !== undefined) lines.push(`extra ${toBase64(p.extra)}`);
  lines.push(`index ${p.index}`);
  for (const h of p.proof) lines.push(toBase64(h));
  return lines.join('\n') + '\n\n' + p.checkpoint;
}

/** Strict parse; the checkpoint note is returned verbatim and checked by `verifyTlogProof`. */
export function parseTlogProof(text: string): Result<TlogProof, TlogProofReason> {
  const blank = text.indexOf('\n\n');
  if (blank < 0) return fail('syntax', 'tlog-proof has no blank line before the checkpoint');
  const head = text.slice(0, blank).split('\n');
  const checkpoint = text.slice(blank + 2);
  if (head[0] !== TLOG_PROOF_HEADER) return fail('syntax', `first line must be ${TLOG_PROOF_HEADER}`);
  let i = 1;
  let extra: Uint8Array | undefined;
  if (head[i]?.startsWith('extra ')) {
    const e = fromBase64(head[i]!.slice(6));
    if (!e) return fail('syntax', 'extra is not canonical base64');
    extra = e;
    i++;
  }
  const indexLine = head[i] ?? '';
  if (!indexLine.startsWith('index ')) return fail('syntax', 'missing index line');
  const indexText = indexLine.slice(6);
  if (!DECIMAL.test(indexText) || !Number.isSafeInteger(Number(indexText))) return fail('bad-index', `index ${JSON.stringify(indexText)} is not a decimal without leading zeros`);
  const proof: Uint8Array[] = [];
  for (const line of head.slice(i + 1)) {
    const h = fromBase64(line);
    if (!h || h.length !== 32) return fail('bad-hash', `proof line ${JSON.stringify(line.slice(0, 60))} is not canonical base64 of 32 bytes`);
    proof.push(h);
  }
  if (proof.length > MAX_PROOF_HASHES) return fail('too-many-hashes', `proof has ${proof.length} hashes (at most ${MAX_PROOF_HASHES})`);
  if (checkpoint.length === 0) return fail('syntax', 'tlog-proof has no checkpoint');
  return { ok: true, value: { ...(extra ? { extra } : {}), index: Number(indexText), proof, checkpoint } };
}

export interface VerifiedTlogProof extends CheckpointVerdict {
  index: number;
  leafHash: Uint8Array;
  checkpoint: Checkpoint;
}

export type VerifyTlogProofReason = TlogProofReason | CheckpointPolicyReason | 'index-out-of-range' | 'inclusion-failed';

/** Verify a tlog-proof for the given entry bytes under a trust policy. */
export function verifyTlogProof(
  text: string,
  entry: Uint8Array,
  policy: TrustPolicy,
  backend: Ed25519Backend,
  options: { origin?: string } = {}
): Result<VerifiedTlogProof, VerifyTlogProofReason> | Promise<Result<VerifiedTlogProof, VerifyTlogProofReason>> {
  const parsed = parseTlogProof(text);
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const leaf = leafHash(entry);
  const finish = (r: Result<CheckpointVerdict, CheckpointPolicyReason>): Result<VerifiedTlogProof, VerifyTlogProofReason> => {
    if (!r.ok) return r;
    const cp = r.value.checkpoint;
    if (p.index >= cp.size) return fail('index-out-of-range', `index ${p.index} is not below the checkpoint size ${cp.size}`);
    if (!verifyInclusion(p.index, cp.size, leaf, p.proof, cp.root)) {
      return fail('inclusion-failed', `entry is not included at index ${p.index} under the checkpoint root (size ${cp.size})`);
    }
    return { ok: true, value: { ...r.value, index: p.index, leafHash: leaf } };
  };
  const r = verifyCheckpointWithPolicy(p.checkpoint, policy, backend, options);
  return r instanceof Promise ? r.then(finish) : finish(r);
}
