// Profile gov-index-v15: the QFS v15 governance index (`evidence/governance_index.json`), written by
// v15/tools/governance_index_manager.py (qfs-domain.md §1.2; tests/vectors/qfs/README.md).
//
// File:    {chain_start_hash, chain_head_hash, entries[], index_version, last_updated, total_entries}
// Entry:   {artifact_id, cycle, epoch, phase, previous_entry_hash, proof_hash, retrieval_path, scope,
//           sequence_number, this_entry_hash, timestamp}
// Hash:    this_entry_hash = "sha3_512:" + hex SHA3-512(canon(entry without this_entry_hash)),
//          canon = Python json.dumps(sort_keys=True, separators=(",", ":")). Every hash string in
//          the file carries the "sha3_512:" prefix.
// Genesis: chain_start_hash = "sha3_512:" + hex SHA3-512("GENESIS_QFS_V15"); entries[0] links to
//          it; each later entry links to the preceding entry's this_entry_hash; chain_head_hash is
//          the last entry's. sequence_number = position + 1.
// seq:     the 0-based position in entries[] (so the README's "entries 109–122" are seqs 109–122).
// What it proves: the entries are mutually consistent and unaltered relative to the head. The index
// is unsigned: anyone able to write the file can rebuild the whole chain, so the head must be
// compared with a copy obtained independently to mean more than that.

import { asciiBytes, canonicalizePython, CanonicalJsonError, type PyJson } from '../canonical-json';
import { toHex, utf8 } from '../bytes';
import { sha3_512 } from '../hash';
import { walkChain, type ChainEntry } from './chain';
import { reportHashDifferences, type HashDifference } from './hash-verdict';
import { isInt, isObject, isString, type PyObject } from './jsonl';
import { FindingList, short, type GovIndexReport } from './report';

export const GOV_PREFIX = 'sha3_512:';
export const GOV_GENESIS_INPUT = 'GENESIS_QFS_V15';
const WELL_FORMED = /^sha3_512:[0-9a-f]{128}$/;

const entryLabel = (seq: number): string => `entry ${seq}`;

export function govHash(bytes: Uint8Array): string {
  return GOV_PREFIX + toHex(sha3_512(bytes));
}

/** "sha3_512:" + SHA3-512("GENESIS_QFS_V15"), the fixed chain start. */
export function govGenesis(): string {
  return govHash(utf8(GOV_GENESIS_INPUT));
}

/** The this_entry_hash an index entry should carry. Throws CanonicalJsonError on unencodable input. */
export function govEntryHash(entry: PyObject): string {
  const rest: PyObject = {};
  for (const k of Object.keys(entry)) if (k !== 'this_entry_hash') rest[k] = entry[k]!;
  return govHash(asciiBytes(canonicalizePython(rest)));
}

const REQUIRED: readonly string[] = ['artifact_id', 'previous_entry_hash', 'proof_hash', 'sequence_number', 'this_entry_hash'];

export function verifyGovIndex(doc: PyJson): GovIndexReport {
  const findings = new FindingList();
  const genesis = govGenesis();
  const root = isObject(doc) ? doc : {};
  if (!isObject(doc)) findings.add(null, 'qfs.schema', 'the governance index must be a JSON object');
  const rawEntries = root['entries'];
  const entries: PyJson[] = Array.isArray(rawEntries) ? rawEntries : [];
  if (!Array.isArray(rawEntries)) findings.add(null, 'qfs.schema', '"entries" is missing or not an array');
  const start = isString(root['chain_start_hash']) ? root['chain_start_hash'] : '';
  const head = isString(root['chain_head_hash']) ? root['chain_head_hash'] : '';

  if (start !== genesis) {
    findings.add(null, 'qfs.genesis-mismatch', `chain_start_hash ${JSON.stringify(short(start))} is not SHA3-512("${GOV_GENESIS_INPUT}") = ${short(genesis)}`);
  }

  const chain: ChainEntry[] = [];
  const diffs: HashDifference[] = [];
  const artifacts = new Map<string, number[]>();
  let checked = 0;
  let hashesVerified = 0;
  entries.forEach((e, i) => {
    if (!isObject(e)) {
      findings.add(i, 'qfs.schema', `entry ${i} is not an object`);
      chain.push({ seq: i, hash: null, prev: null });
      return;
    }
    const missing = REQUIRED.filter((k) => !(k in e));
    if (missing.length > 0) findings.add(i, 'qfs.schema', `entry ${i} lacks ${missing.map((k) => JSON.stringify(k)).join(', ')}`);
    const recorded = isString(e['this_entry_hash']) ? e['this_entry_hash'] : null;
    const prev = isString(e['previous_entry_hash']) ? e['previous_entry_hash'] : null;
    const seqNo = e['sequence_number'];
    if (isInt(seqNo) && BigInt(seqNo) !== BigInt(i + 1)) {
      findings.add(i, 'qfs.sequence-gap', `entry ${i}: sequence_number ${seqNo} should be ${i + 1} (position + 1)`);
    } else if ('sequence_number' in e && !isInt(seqNo)) {
      findings.add(i, 'qfs.schema', `entry ${i}: sequence_number is not an integer`);
    }
    const id = e['artifact_id'];
    if (isString(id)) {
      const list = artifacts.get(id);
      if (list === undefined) artifacts.set(id, [i]);
      else list.push(i);
    }
    if (recorded !== null) {
      try {
        const recomputed = govEntryHash(e);
        checked++;
        if (recomputed === recorded) hashesVerified++;
        else diffs.push({ seq: i, recorded, recomputed, malformed: !WELL_FORMED.test(recorded) });
      } catch (err) {
        if (!(err instanceof CanonicalJsonError)) throw err;
        findings.add(i, 'qfs.schema', `entry ${i} cannot be canonicalised: ${err.message}`);
      }
    }
    chain.push({ seq: i, hash: recorded, prev });
  });

  reportHashDifferences(diffs, checked, findings, entryLabel, 'this_entry_hash');
  const walk = walkChain(
    chain,
    { isGenesis: (p) => p === start, label: entryLabel, prevField: 'previous_entry_hash', firstMustBeGenesis: `chain_start_hash ${short(start)}`, allowRestart: false },
    findings
  );

  const last = chain.length > 0 ? chain[chain.length - 1]! : null;
  const expectedHead = last === null ? start : last.hash;
  if (expectedHead !== null && head !== expectedHead) {
    findings.add(last?.seq ?? null, 'qfs.head-mismatch', `chain_head_hash ${JSON.stringify(short(head))} is not the hash of ${last === null ? 'the chain start (the index is empty)' : `the last entry (${last.seq}), ${short(expectedHead)}`}`);
  }
  const total = root['total_entries'];
  if (!isInt(total) || BigInt(total) !== BigInt(entries.length)) {
    findings.add(null, 'qfs.count-mismatch', `total_entries ${JSON.stringify(total === undefined ? null : String(total))} does not equal the ${entries.length} entries present`);
  }

  const failures = findings.done().sort((a, b) => (a.seq ?? -1) - (b.seq ?? -1));
  return {
    ok: failures.length === 0,
    format: 'gov-index-v15',
    events: entries.length,
    failures,
    notes: [
      `this_entry_hash = "sha3_512:" + SHA3-512 of the Python canonical JSON of the entry without this_entry_hash; ${hashesVerified} of ${entries.length} verify, ${walk.linksVerified} of ${entries.length} links hold`,
      'seq is the 0-based position in entries[]; sequence_number is seq + 1',
      'the index is unsigned: it proves its entries are consistent with each other and with chain_head_hash, not who wrote them; compare the head with an independently obtained copy',
      'timestamps are wall-clock ISO strings and are not checked; proof_hash values are checked only against PoE artifacts supplied with the index'
    ],
    authenticity: 'none: the governance index carries no signature',
    start,
    head,
    hashesVerified,
    linksVerified: walk.linksVerified,
    artifacts: Object.fromEntries([...artifacts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  };
}
