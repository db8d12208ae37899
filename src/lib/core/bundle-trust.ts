// The trust a bundle is verified under (docs/BUNDLE_FORMAT.md §5): the operator (the `log` key of a
// C2SP tlog-policy), the witnesses and their quorum, and the governance and AEGIS keys. It checks
// each epoch's checkpoint: the C2SP signed note, the operator's signature, the checkpoint body
// (origin, size, root) and the witness cosignatures (C2SP tlog-cosignature v1) against the quorum.

import { concatBytes, toBase64, toHex, utf8 } from './bytes';
import { canonicalBytes, type Json } from './canonical-json';
import { checkKey } from './ed25519';
import { sha256 } from './hash';
import type { TrustDoc } from './manifest';
import { checkpointBody, parseNote, parseVkey, type Vkey } from './note-check';
import type { SignatureVerifier, TrustFingerprints } from './report';
import { parseTrustPolicy, quorumMet, type TrustPolicy } from './trust-policy-check';
import { LIMITS, type Finding, type Role } from './types';

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

const COSIG_PREFIX = 'cosignature/v1\ntime ';

/** Resolve and check a trust doc: every key parses, is an Ed25519 key of the right type and passes the §7 key check once. */
export function resolveTrust(doc: TrustDoc, source: 'pinned' | 'bundle'): { ok: true; trust: BundleTrust } | { ok: false; finding: Finding } {
  const bad = (message: string) => ({ ok: false as const, finding: { code: 'trust.invalid' as const, seq: null, file: source === 'bundle' ? 'manifest.json' : 'trust', message } });
  const policy = parseTrustPolicy(doc.policy);
  if (typeof policy === 'string') return bad(`trust policy: ${policy}`);
  const keys: Record<'governance' | 'aegis', Vkey> = { governance: null!, aegis: null! };
  for (const role of ['governance', 'aegis'] as const) {
    const k = parseVkey(doc[role]);
    if (typeof k === 'string') return bad(`${role} vkey: ${k}`);
    if (k.type !== 0x01) return bad(`${role} vkey must be an Ed25519 signed-note key (type 0x01)`);
    keys[role] = k;
  }
  for (const [what, k] of [['operator', policy.log] as const, ['governance', keys.governance] as const, ['aegis', keys.aegis] as const, ...policy.witnesses.map((w) => [`witness ${w.name}`, w.key] as const)]) {
    const reason = checkKey(k.pub);
    if (reason !== null) return bad(`${what} key is not acceptable (${reason}; BUNDLE_FORMAT.md §7)`);
  }
  const roleKeys: Record<Role, string> = { operator: toBase64(policy.log.pub), governance: toBase64(keys.governance.pub), aegis: toBase64(keys.aegis.pub) };
  const fingerprints: TrustFingerprints = {
    operator: policy.log.text,
    governance: doc.governance,
    aegis: doc.aegis,
    witnesses: policy.witnesses.map((w) => `${w.name} ${w.key.text}`),
    quorum: policy.quorumText,
    trustHash: toHex(sha256(canonicalBytes(doc as unknown as Json)))
  };
  return {
    ok: true,
    trust: {
      source,
      doc,
      policy,
      roleKeys,
      fingerprints,
      checkCheckpoint: (note, expect, signatures) => checkCheckpoint(policy, note, expect, signatures)
    }
  };
}

async function checkCheckpoint(policy: TrustPolicy, bytes: Uint8Array, x: CheckpointExpectation, signatures: SignatureVerifier): Promise<CheckpointCheck> {
  const out: CheckpointCheck = { findings: [], cosigners: [], signaturesVerified: 0 };
  const f = (code: Finding['code'], message: string): CheckpointCheck => {
    out.findings.push({ code, seq: x.seq, file: x.file, message: `${x.file}: ${message}` });
    return out;
  };
  if (bytes.length > LIMITS.noteBytes) return f('checkpoint.malformed', `${bytes.length} bytes; the limit is ${LIMITS.noteBytes}`);
  const note = parseNote(bytes);
  if (typeof note === 'string') return f('checkpoint.malformed', note);
  if (note.signatures.length > LIMITS.noteSignatures) return f('checkpoint.malformed', `${note.signatures.length} signature lines; the limit is ${LIMITS.noteSignatures}`);
  // Which lines belong to known keys (name and key ID must both match; the rest are ignored).
  const witnessByKey = new Map(policy.witnesses.map((w) => [`${w.key.name}+${toHex(w.key.id)}`, w]));
  const items: Array<{ who: 'log' | string; key: Uint8Array; msg: Uint8Array; sig: Uint8Array }> = [];
  const text = utf8(note.text);
  for (const s of note.signatures) {
    const id = `${s.name}+${toHex(s.keyId)}`;
    if (s.name === policy.log.name && toHex(s.keyId) === toHex(policy.log.id)) {
      if (s.payload.length !== 64) return f('checkpoint.signature-invalid', 'the operator signature is not 64 bytes');
      items.push({ who: 'log', key: policy.log.pub, msg: text, sig: s.payload });
      continue;
    }
    const w = witnessByKey.get(id);
    if (!w) continue;
    if (s.payload.length !== 72) return f('witness.signature-invalid', `cosignature of ${w.name} is not 8 + 64 bytes`);
    const time = s.payload.subarray(0, 8);
    if (time[0]! >= 0x80) return f('witness.signature-invalid', `cosignature of ${w.name} has a timestamp ≥ 2^63`);
    let t = 0n;
    for (const b of time) t = (t << 8n) | BigInt(b);
    items.push({ who: w.name, key: w.key.pub, msg: concatBytes(utf8(`${COSIG_PREFIX}${t}\n`), text), sig: s.payload.subarray(8) });
  }
  const logItems = items.filter((i) => i.who === 'log');
  if (logItems.length === 0) return f('checkpoint.signature-invalid', `no signature by the operator key ${policy.log.name}`);
  const verdicts = await signatures.verifyBatch(items);
  for (const [i, it] of items.entries()) {
    if (!verdicts[i]) return f(it.who === 'log' ? 'checkpoint.signature-invalid' : 'witness.signature-invalid', it.who === 'log' ? 'the operator signature does not verify' : `the cosignature of witness ${it.who} does not verify`);
  }
  out.signaturesVerified = items.length;
  const body = checkpointBody(note.text);
  if (typeof body === 'string') return f('checkpoint.malformed', body);
  if (body.origin !== x.origin) return f('checkpoint.origin-mismatch', `origin ${JSON.stringify(body.origin)}; the bundle's origin is ${JSON.stringify(x.origin)}`);
  if (body.size !== x.size) return f('checkpoint.size-mismatch', `tree size ${body.size}; the epoch closes at tree size ${x.size}`);
  if (x.root && toHex(body.root) !== toHex(x.root)) return f('checkpoint.root-mismatch', `root ${toHex(body.root)}; the log's root at size ${x.size} is ${toHex(x.root)}`);
  out.cosigners = [...new Set(items.filter((i) => i.who !== 'log').map((i) => i.who))].sort();
  if (!quorumMet(policy, new Set(out.cosigners))) return f('witness.quorum-not-met', `cosigned by ${out.cosigners.length ? out.cosigners.join(', ') : 'no known witness'}; the policy requires ${policy.quorumText}`);
  return out;
}


