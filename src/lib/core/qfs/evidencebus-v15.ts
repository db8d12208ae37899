// Profile evidencebus-v15: the QFS v15 EvidenceBus log (`evidence_chain.jsonl`), written by
// v15/evidence/bus.py (qfs-domain.md §1.2; tests/vectors/qfs/README.md "EvidenceBus hash chains").
//
// Line:      {"event": {"type", "payload", "prev_hash", "timestamp"}, "hash", "signature"}
//            written with json.dumps default separators, so the line bytes are not the hashed bytes.
// Hash:      hash = hex SHA3-256(canon(event)), canon = json.dumps(sort_keys=True,
//            separators=(",", ":")) with ensure_ascii (canonicalizePython). No domain tag.
// Signature: MOCKQPC v1 over the 32 bytes of `hash`, 128 bytes, hex (mockqpc.ts). The env that
//            verifies is reported; the real files verify under "dev".
// Chain:     event.prev_hash = the preceding line's hash; "0"×64 starts a new segment (each
//            process start restarts the chain, so the same deterministic events can recur with the
//            same hashes in several segments). seq = 1-based line number.
// What it proves: the events are unaltered since they were hashed and signed, and how lines link.
// Not who wrote them: MOCKQPC keys derive from a public seed.

import { asciiBytes, canonicalizePython, CanonicalJsonError } from '../canonical-json';
import { fromHex, isHex, toHex } from '../bytes';
import { sha3_256 } from '../hash';
import { walkChain, type ChainEntry } from './chain';
import { reportHashDifferences, type HashDifference } from './hash-verdict';
import { isInt, isObject, isString, readJsonl } from './jsonl';
import { mockqpcEnvOf, MOCKQPC_SIGNATURE_BYTES } from './mockqpc';
import { FindingList, MOCKQPC_NOTE, short, type EvidenceBusReport, type MockqpcEnv } from './report';

export const EVIDENCEBUS_GENESIS = '0'.repeat(64);

const ENVELOPE_KEYS = ['event', 'hash', 'signature'];
const EVENT_KEYS = ['payload', 'prev_hash', 'timestamp', 'type'];

const line = (seq: number): string => `line ${seq}`;

/** The EvidenceBus hash of an event value: hex SHA3-256 of its Python canonical JSON. */
export function evidenceEventHash(event: Parameters<typeof canonicalizePython>[0]): string {
  return toHex(sha3_256(asciiBytes(canonicalizePython(event))));
}

export function verifyEvidenceBus(text: string): EvidenceBusReport {
  const findings = new FindingList();
  const lines = readJsonl(text);
  const chain: ChainEntry[] = [];
  const diffs: HashDifference[] = [];
  const envCounts: Record<MockqpcEnv, number> = { dev: 0, beta: 0, mainnet: 0 };
  const types = new Map<string, number>();
  let hashesChecked = 0;
  let hashesVerified = 0;
  let signaturesVerified = 0;
  let lastEnv: MockqpcEnv | null = null;

  for (const l of lines) {
    const seq = l.line;
    if (l.error !== undefined) {
      findings.add(l.error.seq, l.error.code, l.error.message);
      chain.push({ seq, hash: null, prev: null });
      continue;
    }
    const v = l.value;
    if (!isObject(v) || !isObject(v['event'])) {
      findings.add(seq, 'qfs.schema', `line ${seq}: expected an envelope {event, hash, signature} with an object "event"`);
      chain.push({ seq, hash: null, prev: null });
      continue;
    }
    const extra = Object.keys(v).filter((k) => !ENVELOPE_KEYS.includes(k));
    if (extra.length > 0) findings.add(seq, 'qfs.schema', `line ${seq}: unexpected envelope field(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}, which no hash covers`);
    const event = v['event'];
    const missing = EVENT_KEYS.filter((k) => !(k in event));
    if (missing.length > 0) findings.add(seq, 'qfs.schema', `line ${seq}: event lacks ${missing.map((k) => JSON.stringify(k)).join(', ')}`);
    const type = event['type'];
    if (isString(type)) types.set(type, (types.get(type) ?? 0) + 1);
    else if ('type' in event) findings.add(seq, 'qfs.schema', `line ${seq}: event.type is not a string`);
    if ('timestamp' in event && !isInt(event['timestamp'])) findings.add(seq, 'qfs.schema', `line ${seq}: event.timestamp is not an integer`);
    const prevRaw = event['prev_hash'];
    let prev: string | null = null;
    if (isString(prevRaw) && isHex(prevRaw, 32)) prev = prevRaw;
    else if ('prev_hash' in event) findings.add(seq, 'qfs.schema', `line ${seq}: event.prev_hash ${JSON.stringify(short(String(prevRaw)))} is not 64 lower-case hex characters`);

    // Hash: recompute from the parsed event, never from the line bytes.
    let recomputed: string | null = null;
    try {
      recomputed = evidenceEventHash(event);
    } catch (e) {
      if (!(e instanceof CanonicalJsonError)) throw e;
      findings.add(seq, 'qfs.schema', `line ${seq}: event cannot be canonicalised: ${e.message}`);
    }
    const hashRaw = v['hash'];
    const recorded = isString(hashRaw) ? hashRaw : null;
    if (recorded === null) findings.add(seq, 'qfs.schema', `line ${seq}: "hash" is missing or not a string`);
    if (recorded !== null && recomputed !== null) {
      hashesChecked++;
      if (recorded === recomputed) hashesVerified++;
      else diffs.push({ seq, recorded, recomputed, malformed: !isHex(recorded, 32) });
    }

    // Signature: MOCKQPC over the recorded hash bytes (what the bus signed).
    const sigRaw = v['signature'];
    const hashBytes = recorded !== null ? fromHex(recorded) : null;
    const sigBytes = isString(sigRaw) ? fromHex(sigRaw) : null;
    if (sigBytes === null || sigBytes.length !== MOCKQPC_SIGNATURE_BYTES) {
      findings.add(seq, 'qfs.signature-invalid', `line ${seq}: "signature" is not ${MOCKQPC_SIGNATURE_BYTES * 2} lower-case hex characters (a ${MOCKQPC_SIGNATURE_BYTES}-byte MOCKQPC signature)`);
    } else if (hashBytes === null || hashBytes.length !== 32) {
      findings.add(seq, 'qfs.signature-invalid', `line ${seq}: the signature cannot be checked because "hash" is not 32 bytes of hex`);
    } else {
      const env = mockqpcEnvOf(hashBytes, sigBytes, lastEnv);
      if (env === null) {
        findings.add(seq, 'qfs.signature-invalid', `line ${seq}: the MOCKQPC signature of hash ${short(recorded ?? '')} verifies under none of the environments dev, beta, mainnet`);
      } else {
        envCounts[env]++;
        signaturesVerified++;
        lastEnv = env;
      }
    }
    chain.push({ seq, hash: recorded, prev });
  }

  reportHashDifferences(diffs, hashesChecked, findings, line, 'hash');
  const walk = walkChain(chain, { isGenesis: (p) => p === EVIDENCEBUS_GENESIS, label: line, prevField: 'prev_hash' }, findings);
  if (lines.length === 0) findings.add(null, 'qfs.schema', 'the file has no envelopes');

  const usedEnvs = (Object.keys(envCounts) as MockqpcEnv[]).filter((e) => envCounts[e] > 0);
  const env = usedEnvs.length === 1 ? usedEnvs[0]! : null;
  const failures = findings.done().sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const notes = [
    MOCKQPC_NOTE,
    `hash = SHA3-256 of the Python canonical JSON of "event"; ${hashesVerified} of ${lines.length} hashes and ${signaturesVerified} of ${lines.length} signatures verify`,
    `${walk.segments.length} segment(s): the chain restarts at a zero prev_hash when the writing process restarts; segments start at line(s) ${walk.segments.slice(0, 20).map((s) => s.from).join(', ')}${walk.segments.length > 20 ? ', …' : ''}`,
    'timestamps are whatever the payload carried (0 or unix seconds) and are not checked'
  ];
  if (usedEnvs.length > 1) notes.push(`signatures verify under several environments: ${usedEnvs.map((e) => `${e} ${envCounts[e]}`).join(', ')}`);
  return {
    ok: failures.length === 0,
    format: 'evidencebus-v15',
    events: lines.length,
    failures,
    notes,
    authenticity: signaturesVerified > 0 ? `${MOCKQPC_NOTE} (env ${env ?? usedEnvs.join('+')})` : 'none: no signature verifies',
    segments: walk.segments,
    env,
    envCounts,
    hashesVerified,
    signaturesVerified,
    types: Object.fromEntries([...types.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  };
}
