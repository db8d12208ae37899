// Profile coherence-ledger-v13: JSONL of QFS v13 CoherenceLedger `LedgerEntry` records
// (v13/core/CoherenceLedger.py), including the staging artifact v13/ledger/staging_ledger_v1.jsonl
// (qfs-domain.md §1.2; tests/vectors/qfs/README.md "staging_ledger_v1.jsonl").
//
// Entry:   {entry_id, timestamp (int), entry_type, data, previous_hash, entry_hash, pqc_cid,
//           quantum_metadata}
// Hash:    entry_hash = hex SHA-256(canon({"entry_data": data, "previous_hash": previous_hash,
//          "timestamp": timestamp})), canon = Python json.dumps(sort_keys=True, separators=(",", ":")).
//          The real ledger sets entry_id = entry_hash.
// Genesis: the first entry's previous_hash is the literal "genesis_hash_" + 32 zeros; each later
//          entry's is the preceding entry_hash. A later entry with the genesis literal starts a new
//          segment (a second ledger run appended to the same file).
// Order:   LedgerEntry sorts by (timestamp, entry_id) and the replay sources iterate sorted(entries),
//          so replay order can differ from file order; only previous_hash carries file order. Both
//          are reported; a difference is a note, not a failure.
// seq:     the 1-based line number.
// Not checked: pqc_cid (a truncated hash over default-separator JSON whose exact input is not
// documented) and quantum_metadata. Entries carry no signature: the chain proves integrity relative
// to its last hash only. The staging ledger's hashes are SHA-256 of labels ("genesis_hash",
// "reward_1_hash", …) and its first previous_hash is "0": every entry is reported as a placeholder.

import { asciiBytes, canonicalizePython, CanonicalJsonError, compareCodePoints } from '../canonical-json';
import { isHex, toHex } from '../bytes';
import { sha256 } from '../hash';
import { walkChain, type ChainEntry } from './chain';
import { reportHashDifferences, type HashDifference } from './hash-verdict';
import { isInt, isObject, isString, readJsonl, type PyObject } from './jsonl';
import { FindingList, short, type CoherenceLedgerReport } from './report';

export const COHERENCE_GENESIS = 'genesis_hash_' + '0'.repeat(32);

const line = (seq: number): string => `line ${seq}`;
const REQUIRED: readonly string[] = ['data', 'entry_hash', 'entry_id', 'entry_type', 'previous_hash', 'timestamp'];

/** The entry_hash a CoherenceLedger entry should carry. Throws CanonicalJsonError on unencodable input. */
export function coherenceEntryHash(entry: PyObject): string {
  const data = entry['data'] ?? null;
  const prev = entry['previous_hash'] ?? null;
  const ts = entry['timestamp'] ?? null;
  return toHex(sha256(asciiBytes(canonicalizePython({ entry_data: data, previous_hash: prev, timestamp: ts }))));
}

interface OrderKey {
  line: number;
  ts: bigint;
  id: string;
}

export function verifyCoherenceLedger(text: string): CoherenceLedgerReport {
  const findings = new FindingList();
  const lines = readJsonl(text);
  const chain: ChainEntry[] = [];
  const diffs: HashDifference[] = [];
  const order: OrderKey[] = [];
  let checked = 0;
  let hashesVerified = 0;
  let idDiffers = 0;

  for (const l of lines) {
    const seq = l.line;
    if (l.error !== undefined) {
      findings.add(l.error.seq, l.error.code, l.error.message);
      chain.push({ seq, hash: null, prev: null });
      continue;
    }
    const e = l.value;
    if (!isObject(e)) {
      findings.add(seq, 'qfs.schema', `line ${seq}: expected a LedgerEntry object`);
      chain.push({ seq, hash: null, prev: null });
      continue;
    }
    const missing = REQUIRED.filter((k) => !(k in e));
    if (missing.length > 0) findings.add(seq, 'qfs.schema', `line ${seq}: entry lacks ${missing.map((k) => JSON.stringify(k)).join(', ')}`);
    const ts = e['timestamp'];
    if ('timestamp' in e && !isInt(ts)) findings.add(seq, 'qfs.schema', `line ${seq}: timestamp is not an integer`);
    const recorded = isString(e['entry_hash']) ? e['entry_hash'] : null;
    const prev = isString(e['previous_hash']) ? e['previous_hash'] : null;
    if ('previous_hash' in e && prev === null) findings.add(seq, 'qfs.schema', `line ${seq}: previous_hash is not a string`);
    const id = isString(e['entry_id']) ? e['entry_id'] : '';
    order.push({ line: seq, ts: isInt(ts) ? BigInt(ts) : 0n, id });
    if (recorded !== null) {
      try {
        const recomputed = coherenceEntryHash(e);
        checked++;
        if (recomputed === recorded) {
          hashesVerified++;
          if (id !== recorded) findings.add(seq, 'qfs.entry-id-mismatch', `line ${seq}: entry_id ${JSON.stringify(short(id))} is not the entry_hash ${short(recorded)}`);
        } else {
          diffs.push({ seq, recorded, recomputed, malformed: !isHex(recorded, 32) });
        }
      } catch (err) {
        if (!(err instanceof CanonicalJsonError)) throw err;
        findings.add(seq, 'qfs.schema', `line ${seq}: entry cannot be canonicalised: ${err.message}`);
      }
    } else if ('entry_hash' in e) {
      findings.add(seq, 'qfs.schema', `line ${seq}: entry_hash is not a string`);
    }
    if (recorded !== null && id !== recorded) idDiffers++;
    chain.push({ seq, hash: recorded, prev });
  }

  reportHashDifferences(diffs, checked, findings, line, 'entry_hash');
  const walk = walkChain(
    chain,
    { isGenesis: (p) => p === COHERENCE_GENESIS, label: line, prevField: 'previous_hash', firstMustBeGenesis: JSON.stringify(COHERENCE_GENESIS) },
    findings
  );
  if (lines.length === 0) findings.add(null, 'qfs.schema', 'the file has no entries');

  // Python: sorted(entries) with LedgerEntry.__lt__ on (timestamp, entry_id); sort is stable.
  const replay = order.slice().sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : compareCodePoints(a.id, b.id)));
  const replayOrder = replay.map((k) => k.line);
  const firstDiff = replayOrder.findIndex((n, i) => n !== order[i]!.line);

  const failures = findings.done().sort((a, b) => (a.seq ?? 0) - (b.seq ?? 0));
  const notes = [
    `entry_hash = SHA-256 of the Python canonical JSON of {entry_data, previous_hash, timestamp}; ${hashesVerified} of ${lines.length} verify, ${walk.linksVerified} of ${lines.length} links hold`,
    firstDiff < 0
      ? 'replay order (timestamp, entry_id) equals file order'
      : `replay order (timestamp, entry_id) differs from file order: position ${firstDiff + 1} replays line ${replayOrder[firstDiff]} where the file has line ${order[firstDiff]!.line}`,
    'entries are unsigned and pqc_cid is not checked: the chain shows integrity relative to its last entry_hash, not who wrote it'
  ];
  if (idDiffers > 0) notes.push(`entry_id differs from entry_hash in ${idDiffers} of ${lines.length} entries (the CoherenceLedger sets them equal)`);
  return {
    ok: failures.length === 0,
    format: 'coherence-ledger-v13',
    events: lines.length,
    failures,
    notes,
    authenticity: 'none: CoherenceLedger entries carry no signature',
    segments: walk.segments,
    hashesVerified,
    linksVerified: walk.linksVerified,
    replayOrder,
    replayOrderMatchesFile: firstDiff < 0
  };
}
