// The trust a bundle is verified under (docs/BUNDLE_FORMAT.md §5): the operator (the `log` key of a
// C2SP tlog-policy), the witnesses and their quorum, and the governance and AEGIS keys. It checks
// each epoch's checkpoint: the C2SP signed note, the operator's signature, the checkpoint body
// (origin, size, root) and the witness cosignatures (C2SP tlog-cosignature v1) against the quorum.

import { toBase64, toHex } from './bytes';
import { canonicalBytes, type Json } from './canonical-json';
import { checkKey, type Ed25519Backend } from './ed25519';
import { sha256 } from './hash';
import type { TrustDoc } from './manifest';
import { keyIdHex, parseVkey, SIG_ED25519 } from './note';
import type { SignatureVerifier, TrustFingerprints } from './report';
import { parseTrustPolicy, verifyCheckpointWithPolicy, type TrustPolicy } from './trust-policy';
import { LIMITS, type Finding, type FindingCode, type Role } from './types';

export interface CheckpointExpectation {
  origin: string;
  size: number;
  /** Our log root at `size`; null when the log could not be recomputed (audit mode after a broken segment). */
  root: Uint8Array | null;
  seq: number;
  file: string;
}

export interface CheckpointCheck {
  findings: Finding[];
  /** Policy names of the witnesses whose cosignature verified. */
  cosigners: string[];
  signaturesVerified: number;
}

export interface BundleTrust {
  readonly source: 'pinned' | 'bundle';
  readonly doc: TrustDoc;
  readonly policy: TrustPolicy;
  /** base64 public key of each root role (what an envelope's `key` must be). */
  readonly roleKeys: Record<Role, string>;
  readonly fingerprints: TrustFingerprints;
  checkCheckpoint(note: Uint8Array, expect: CheckpointExpectation, signatures: SignatureVerifier): Promise<CheckpointCheck>;
}

/** Resolve and check a trust doc: every key parses, is an Ed25519 key of the right type and passes the §7 key check once. */
export function resolveTrust(doc: TrustDoc, source: 'pinned' | 'bundle'): { ok: true; trust: BundleTrust } | { ok: false; finding: Finding } {
  const bad = (message: string) => ({ ok: false as const, finding: { code: 'trust.invalid' as const, seq: null, file: source === 'bundle' ? 'manifest.json' : 'trust', message } });
  const parsed = parseTrustPolicy(doc.policy);
  if (!parsed.ok) return bad(`trust policy: ${parsed.message}`);
  const policy = parsed.value;
  if (policy.logs.length !== 1) return bad(`the trust policy names ${policy.logs.length} log keys; a bundle has exactly one operator`);
  const log = policy.logs[0]!;
  const keys: Record<'governance' | 'aegis', Uint8Array> = { governance: new Uint8Array(0), aegis: new Uint8Array(0) };
  for (const role of ['governance', 'aegis'] as const) {
    const k = parseVkey(doc[role]);
    if (!k.ok) return bad(`${role} vkey: ${k.message}`);
    if (k.value.type !== SIG_ED25519) return bad(`${role} vkey must be an Ed25519 signed-note key (type 0x01)`);
    keys[role] = k.value.key;
  }
  const all: Array<[string, Uint8Array]> = [['operator', log.vkey.key], ['governance', keys.governance], ['aegis', keys.aegis], ...policy.witnesses.map((w): [string, Uint8Array] => [`witness ${w.name}`, w.vkey.key])];
  for (const [what, pub] of all) {
    const reason = checkKey(pub);
    if (reason !== null) return bad(`${what} key is not acceptable (${reason}; BUNDLE_FORMAT.md §7)`);
  }
  const roleKeys: Record<Role, string> = { operator: toBase64(log.vkey.key), governance: toBase64(keys.governance), aegis: toBase64(keys.aegis) };
  const fingerprints: TrustFingerprints = {
    operator: log.vkeyText,
    governance: doc.governance,
    aegis: doc.aegis,
    witnesses: policy.witnesses.map((w) => `${w.name} ${w.vkeyText}`),
    quorum: quorumText(policy),
    trustHash: toHex(sha256(canonicalBytes(doc as unknown as Json)))
  };
  const logId = `${log.vkey.name}+${keyIdHex(log.vkey.keyId)}`;
  return {
    ok: true,
    trust: {
      source,
      doc,
      policy,
      roleKeys,
      fingerprints,
      checkCheckpoint: (note, expect, signatures) => checkCheckpoint(policy, logId, note, expect, signatures)
    }
  };
}

function quorumText(p: TrustPolicy): string {
  if (p.quorum === null) return 'quorum none';
  const g = p.groups.find((x) => x.name === p.quorum);
  return g ? `quorum ${g.name}: ${g.threshold} of ${g.members.join(', ')}` : `quorum ${p.quorum}`;
}

/** The SignatureVerifier seen as an Ed25519 backend, so note signatures take the same path as events. */
function asBackend(signatures: SignatureVerifier): Ed25519Backend {
  return { name: 'signature-verifier', verifyRaw: async (key, msg, sig) => (await signatures.verifyBatch([{ key, msg, sig }]))[0] === true };
}

const REASON: Record<string, FindingCode> = {
  'origin-mismatch': 'checkpoint.origin-mismatch',
  'no-log-signature': 'checkpoint.signature-invalid',
  'no-verified-signature': 'checkpoint.signature-invalid',
  'quorum-not-met': 'witness.quorum-not-met'
};

/** One epoch's checkpoint (§5): signed-note rules, operator signature, body, root, witness quorum. */
async function checkCheckpoint(policy: TrustPolicy, logId: string, bytes: Uint8Array, x: CheckpointExpectation, signatures: SignatureVerifier): Promise<CheckpointCheck> {
  const out: CheckpointCheck = { findings: [], cosigners: [], signaturesVerified: 0 };
  const f = (code: FindingCode, message: string): CheckpointCheck => {
    out.findings.push({ code, seq: x.seq, file: x.file, message: `${x.file}: ${message}` });
    return out;
  };
  if (bytes.length > LIMITS.noteBytes) return f('checkpoint.malformed', `${bytes.length} bytes; the limit is ${LIMITS.noteBytes}`);
  const r = await verifyCheckpointWithPolicy(bytes, policy, asBackend(signatures), { origin: x.origin });
  if (!r.ok) {
    // A failing signature from a known key rejects the note; name whose it was.
    const code = r.reason === 'invalid-signature' ? (r.message.includes(logId) ? 'checkpoint.signature-invalid' : 'witness.signature-invalid') : (REASON[r.reason] ?? 'checkpoint.malformed');
    return f(code, r.message);
  }
  const v = r.value;
  out.signaturesVerified = 1 + v.cosignatures.length;
  out.cosigners = v.cosignatures.map((c) => c.witness);
  if (v.checkpoint.extensions.length) return f('checkpoint.malformed', 'bundle checkpoints carry no extension lines');
  if (v.checkpoint.size !== x.size) return f('checkpoint.size-mismatch', `tree size ${v.checkpoint.size}; the epoch closes at tree size ${x.size}`);
  if (x.root && toHex(v.checkpoint.root) !== toHex(x.root)) return f('checkpoint.root-mismatch', `root ${toHex(v.checkpoint.root)}; the log's root at size ${x.size} is ${toHex(x.root)}`);
  return out;
}
