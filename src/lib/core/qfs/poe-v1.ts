// Profile poe-v1: QFS v15 Proof-of-Execution artifacts (`evidence/poe_artifacts/*.json`), written by
// v15/atlas/governance/poe_generator.py, schema docs/POE_SCHEMA_v1.md (qfs-domain.md §1.2;
// tests/vectors/qfs/README.md "Proof-of-Execution v1.0").
//
// Recipe (the one that reproduces the real files; the notes' wording is ambiguous about whether
// expected_output_hash is blanked or dropped — blanking is what verifies):
//   proof_hash = "sha3_512:" + hex SHA3-512(canon(artifact without "signatures" and "proof_hash",
//                with replay_instructions.expected_output_hash set to "")),
//   canon = Python json.dumps(sort_keys=True, separators=(",", ":")).
// The generator then writes proof_hash into replay_instructions.expected_output_hash too.
//
// Not checkable: before/after state, trace and proposal hashes (their inputs are not published);
// runtime_info.build_hash and signatures.dilithium_signature are literal placeholders, so a PoE
// artifact is not signed by anyone: it proves only its own integrity relative to its proof_hash.
//
// Cross-check with the governance index: every index entry with this artifact_id must carry the
// artifact's current proof_hash; entries that carry another value reference content the artifact
// no longer has (QFS rewrites artifact files in place), reported as 'qfs.artifact-mismatch' at the
// entry's index seq. seq for the artifact's own findings is null (one artifact per file).

import { asciiBytes, canonicalizePython, CanonicalJsonError, type PyJson } from '../canonical-json';
import { govHash } from './gov-index-v15';
import { isInt, isObject, isString, type PyObject } from './jsonl';
import { FindingList, short, type PoeReport, type QfsCrossCheck, type QfsFinding } from './report';

const WELL_FORMED = /^sha3_512:[0-9a-f]{128}$/;
const PLACEHOLDER = /PLACEHOLDER/i;

/** The proof_hash a PoE artifact should carry. Throws CanonicalJsonError on unencodable input. */
export function poeProofHash(artifact: PyObject): string {
  const rest: PyObject = {};
  for (const k of Object.keys(artifact)) {
    if (k === 'signatures' || k === 'proof_hash') continue;
    rest[k] = artifact[k]!;
  }
  const ri = rest['replay_instructions'];
  if (isObject(ri)) rest['replay_instructions'] = { ...ri, expected_output_hash: '' };
  return govHash(asciiBytes(canonicalizePython(rest)));
}

export function verifyPoe(doc: PyJson): PoeReport {
  const findings = new FindingList();
  const a: PyObject = isObject(doc) ? doc : {};
  if (!isObject(doc)) findings.add(null, 'qfs.schema', 'a PoE artifact must be a JSON object');
  const id = isString(a['artifact_id']) ? a['artifact_id'] : '';
  if (id === '') findings.add(null, 'qfs.schema', 'artifact_id is missing or not a string');
  if (a['poe_version'] !== '1.0') findings.add(null, 'qfs.schema', `poe_version ${JSON.stringify(a['poe_version'] ?? null)} is not "1.0"`);
  const recorded = isString(a['proof_hash']) ? a['proof_hash'] : '';
  if (recorded === '') findings.add(null, 'qfs.schema', 'proof_hash is missing or not a string');

  let recomputed = '';
  try {
    recomputed = poeProofHash(a);
  } catch (e) {
    if (!(e instanceof CanonicalJsonError)) throw e;
    findings.add(null, 'qfs.schema', `the artifact cannot be canonicalised: ${e.message}`);
  }
  if (recorded !== '' && recomputed !== '' && recorded !== recomputed) {
    if (WELL_FORMED.test(recorded)) findings.add(null, 'qfs.hash-mismatch', `proof_hash ${short(recorded)} does not match the artifact, which hashes to ${short(recomputed)}`);
    else findings.add(null, 'qfs.placeholder-hash', `proof_hash ${JSON.stringify(short(recorded))} is a placeholder, not a hash; the artifact hashes to ${short(recomputed)}`);
  }
  const ri = a['replay_instructions'];
  const expected = isObject(ri) ? ri['expected_output_hash'] : undefined;
  if (isString(expected) && expected !== '' && expected !== recorded) {
    findings.add(null, 'qfs.hash-mismatch', `replay_instructions.expected_output_hash ${short(expected)} differs from proof_hash ${short(recorded)}`);
  }

  const gs = a['governance_scope'];
  const phase = a['execution_phase'];
  const scope =
    isObject(gs) && isString(gs['parameter_key']) && isInt(gs['epoch']) && isInt(gs['cycle'])
      ? { parameterKey: gs['parameter_key'], epoch: Number(gs['epoch']), cycle: Number(gs['cycle']), phase: isString(phase) ? phase : '' }
      : null;
  if (scope === null) findings.add(null, 'qfs.schema', 'governance_scope {parameter_key, epoch, cycle} is missing or mistyped');

  const notes = [
    'proof_hash = "sha3_512:" + SHA3-512 of the Python canonical JSON of the artifact without signatures and proof_hash, with replay_instructions.expected_output_hash = ""',
    'before_state_hash, after_state_hash, execution_trace_hash and proposal_hash cannot be recomputed: their inputs are not published'
  ];
  const placeholders: string[] = [];
  const sigs = a['signatures'];
  if (isObject(sigs) && isString(sigs['dilithium_signature']) && PLACEHOLDER.test(sigs['dilithium_signature'])) placeholders.push('signatures.dilithium_signature');
  const rt = a['runtime_info'];
  if (isObject(rt) && isString(rt['build_hash']) && PLACEHOLDER.test(rt['build_hash'])) placeholders.push('runtime_info.build_hash');
  if (placeholders.length > 0) notes.push(`${placeholders.join(' and ')} ${placeholders.length > 1 ? 'are literal placeholders' : 'is a literal placeholder'}; nothing is signed`);

  const failures = findings.done();
  return {
    ok: failures.length === 0,
    format: 'poe-v1',
    events: 1,
    failures,
    notes,
    authenticity: placeholders.includes('signatures.dilithium_signature')
      ? 'none: dilithium_signature is the literal "base64:PLACEHOLDER"; proof_hash shows integrity only'
      : 'not verified: PoE Dilithium signatures are not checked by this verifier; proof_hash shows integrity only',
    artifactId: id,
    proofHash: recorded,
    recomputed,
    scope
  };
}

/**
 * Checks every governance index entry that names this artifact against the artifact's current
 * content (its recomputed proof_hash), and that matching entries describe the same scope.
 * Findings carry the index entry's seq and the index file's name. Null when no entry names it.
 */
export function crossCheckPoe(poe: PoeReport, poeFile: string, index: PyJson, indexFile: string): { check: QfsCrossCheck; failures: QfsFinding[] } | null {
  const current = poe.recomputed !== '' ? poe.recomputed : poe.proofHash;
  const entries = isObject(index) && Array.isArray(index['entries']) ? index['entries'] : [];
  const check: QfsCrossCheck = { artifactId: poe.artifactId, file: poeFile, index: indexFile, proofHash: current, matched: [], mismatched: [], current: false };
  const failures: QfsFinding[] = [];
  const referencing: number[] = [];
  entries.forEach((e, i) => {
    if (isObject(e) && e['artifact_id'] === poe.artifactId) referencing.push(i);
  });
  const lastRef = referencing.length > 0 ? referencing[referencing.length - 1]! : -1;
  for (const i of referencing) {
    const e = entries[i] as PyObject;
    const ph = e['proof_hash'];
    if (ph === current) {
      check.matched.push(i);
      const sc = poe.scope;
      const same =
        sc !== null &&
        e['scope'] === sc.parameterKey &&
        isInt(e['epoch']) && Number(e['epoch']) === sc.epoch &&
        isInt(e['cycle']) && Number(e['cycle']) === sc.cycle &&
        (!('phase' in e) || e['phase'] === sc.phase);
      if (!same) {
        failures.push({ seq: i, code: 'qfs.artifact-mismatch', file: indexFile, message: `entry ${i} carries the proof_hash of ${poe.artifactId} but describes scope/epoch/cycle/phase ${JSON.stringify([e['scope'] ?? null, String(e['epoch']), String(e['cycle']), e['phase'] ?? null])}, not the artifact's` });
      }
    } else {
      check.mismatched.push(i);
      failures.push({
        seq: i,
        code: 'qfs.artifact-mismatch',
        file: indexFile,
        message: `entry ${i} (sequence_number ${String(e['sequence_number'])}) references ${poe.artifactId} with proof_hash ${short(String(ph))}, but ${poeFile} now hashes to ${short(current)}${i === lastRef ? '; this is the latest entry for the artifact, so the index does not record its current content' : '; the artifact was rewritten after this entry'}`
      });
    }
  }
  check.current = lastRef >= 0 && check.matched.includes(lastRef);
  return referencing.length === 0 ? null : { check, failures };
}
