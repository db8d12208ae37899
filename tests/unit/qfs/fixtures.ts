// Deterministic fixtures in each QFS format, built independently of the code under test: hashes and
// HKDF come from node:crypto (OpenSSL), canonical JSON from a small encoder here that handles what
// the fixtures contain (ASCII and non-ASCII strings, safe integers, booleans, null, and floats given
// as pre-rendered Python text). If src/lib/core/qfs and these helpers disagree, a test fails.

import { createHash, createHmac } from 'node:crypto';

/** A value already rendered as Python would write it (e.g. a float "1.0"). */
export class Raw {
  constructor(readonly text: string) {}
}
export type Val = null | boolean | number | string | Raw | Val[] | { [k: string]: Val };

function str(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (cp >= 0x20 && cp <= 0x7e) out += ch;
    else if (cp > 0xffff) {
      const v = cp - 0x10000;
      out += '\\u' + (0xd800 + (v >> 10)).toString(16).padStart(4, '0') + '\\u' + (0xdc00 + (v & 0x3ff)).toString(16).padStart(4, '0');
    } else out += '\\u' + cp.toString(16).padStart(4, '0');
  }
  return out + '"';
}

/** json.dumps(v, sort_keys=sort, separators=sep) with ensure_ascii=True. */
export function dumps(v: Val, sort: boolean, sep: [string, string]): string {
  if (v === null) return 'null';
  if (v instanceof Raw) return v.text;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('fixtures: integers only; pass floats as Raw');
    return String(v);
  }
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return '[' + v.map((x) => dumps(x, sort, sep)).join(sep[0]) + ']';
  const keys = Object.keys(v);
  if (sort) keys.sort();
  return '{' + keys.map((k) => str(k) + sep[1] + dumps(v[k]!, sort, sep)).join(sep[0]) + '}';
}

/** canon(x): json.dumps(x, sort_keys=True, separators=(",", ":")). */
export const canon = (v: Val): string => dumps(v, true, [',', ':']);
/** How QFS writes JSONL lines: json.dumps(x) with default separators, insertion order. */
export const line = (v: Val): string => dumps(v, false, [', ', ': ']);

export const hex = (algo: string, text: string | Buffer): string => createHash(algo).update(text).digest('hex');

function hkdfExpand(prk: Buffer, info: Buffer, len: number): Buffer {
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(out).length < len; i++) {
    t = createHmac('sha512', prk).update(Buffer.concat([t, info, Buffer.from([i])])).digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, len);
}

/** MOCKQPC v1 (qfs-domain.md §1.4), via node:crypto. */
export function mockqpc(hash32hex: string, env: string): string {
  const prkKey = createHmac('sha512', Buffer.from(env)).update('QFS_ATLAS_MOCKQPC_v1.4_DETERMINISTIC_SEED').digest();
  const sk = hkdfExpand(prkKey, Buffer.from('MOCKQPC_PRIVATE_KEY_V1'), 64);
  const h = Buffer.from(hash32hex, 'hex');
  const prk = createHash('sha3-512').update(Buffer.concat([sk, h, Buffer.from('MOCK_PQC_SIG_V1')])).digest();
  return hkdfExpand(prk, Buffer.concat([Buffer.from('MOCKQPC_SIGNATURE_EXPAND_V1'), h]), 128).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// evidencebus-v15

export const ZERO64 = '0'.repeat(64);

export interface BusEnvelope {
  event: { type: string; payload: Val; prev_hash: string; timestamp: number };
  hash: string;
  signature: string;
}

/** A chain of `n` events; a zero prev_hash at every index in `restarts` (index 0 always). */
export function busChain(n: number, opts: { restarts?: number[]; env?: string } = {}): BusEnvelope[] {
  const env = opts.env ?? 'dev';
  const out: BusEnvelope[] = [];
  let prev = ZERO64;
  for (let i = 0; i < n; i++) {
    if (i === 0 || opts.restarts?.includes(i)) prev = ZERO64;
    const type = ['AUTH_LOGIN', 'CLUSTER_WRITE_SUBMITTED', 'CLUSTER_WRITE_COMMITTED', 'AUTH_LOGOUT'][i % 4]!;
    const event = { type, payload: { wallet: `0xW${i % 3}`, session_id: `s${i.toString(16).padStart(4, '0')}`, index: i, stateless: i % 2 === 0 }, prev_hash: prev, timestamp: 1766239000 + i };
    out.push(sealBus(event, env));
    prev = out[out.length - 1]!.hash;
  }
  return out;
}

/** Hashes and signs an event as the bus does. */
export function sealBus(event: BusEnvelope['event'], env = 'dev'): BusEnvelope {
  const hash = hex('sha3-256', canon(event as unknown as Val));
  return { event, hash, signature: mockqpc(hash, env) };
}

export const busText = (envs: readonly BusEnvelope[]): string => envs.map((e) => line(e as unknown as Val)).join('\n') + '\n';

// ---------------------------------------------------------------------------------------------
// gov-index-v15 and poe-v1

export const GOV_START = 'sha3_512:' + hex('sha3-512', 'GENESIS_QFS_V15');

export interface PoeInput {
  id: string;
  cycle: number;
  yes: number;
}

export function poeArtifact(p: PoeInput): Record<string, Val> {
  const a: Record<string, Val> = {
    after_state_hash: 'sha3_512:' + hex('sha3-512', `after ${p.id} ${p.yes}`),
    artifact_id: p.id,
    before_state_hash: 'sha3_512:' + hex('sha3-512', `before ${p.id}`),
    execution_phase: 'EXECUTION',
    execution_trace_hash: 'sha3_512:' + hex('sha3-512', `trace ${p.id} ${p.yes}`),
    governance_scope: { cycle: p.cycle, epoch: 1, parameter_key: 'VIRAL_POOL_CAP' },
    poe_version: '1.0',
    proposal_hash: hex('sha3-512', `proposal ${p.id}`),
    replay_instructions: { command: `python replay_gov_cycle.py --artifact_id ${p.id}`, expected_output_hash: '', inputs_file: `evidence/${p.id}-inputs.json` },
    runtime_info: { build_hash: 'sha3_512:PLACEHOLDER', certifiedmath_version: '1.0.0', code_commit_hash: '315604c3', python_version: '3.11.7' },
    vote_breakdown: { no_stake: 0, quorum_met: true, supermajority_met: true, total_stake: p.yes, yes_stake: p.yes }
  };
  const proof = 'sha3_512:' + hex('sha3-512', canon(a));
  a['proof_hash'] = proof;
  (a['replay_instructions'] as Record<string, Val>)['expected_output_hash'] = proof;
  a['signatures'] = { dilithium_signature: 'base64:PLACEHOLDER', nod_address: 'NOD_0x0000000000000000', signature_timestamp: '2024-01-01T00:00:00Z' };
  return a;
}

/** Pretty JSON as governance_index_manager writes it (json.dump indent=2, sort_keys=True). */
export function pretty(v: Val, indent = ''): string {
  if (v === null || typeof v !== 'object' || v instanceof Raw) return dumps(v, true, [',', ':']);
  const inner = indent + '  ';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : '[\n' + v.map((x) => inner + pretty(x, inner)).join(',\n') + '\n' + indent + ']';
  const keys = Object.keys(v).sort();
  return keys.length === 0 ? '{}' : '{\n' + keys.map((k) => inner + str(k) + ': ' + pretty(v[k]!, inner)).join(',\n') + '\n' + indent + '}';
}

export interface IndexRef {
  id: string;
  cycle: number;
  proofHash: string;
}

/** A governance index whose entries reference `refs` in order. */
export function govIndex(refs: readonly IndexRef[]): Record<string, Val> {
  const entries: Record<string, Val>[] = [];
  let prev = GOV_START;
  refs.forEach((r, i) => {
    const e: Record<string, Val> = {
      artifact_id: r.id,
      cycle: r.cycle,
      epoch: 1,
      phase: 'EXECUTION',
      previous_entry_hash: prev,
      proof_hash: r.proofHash,
      retrieval_path: `evidence/poe_artifacts/${r.id}.json`,
      scope: 'VIRAL_POOL_CAP',
      sequence_number: i + 1,
      timestamp: `2025-12-19T14:38:${String(i % 60).padStart(2, '0')}.000000Z`
    };
    e['this_entry_hash'] = 'sha3_512:' + hex('sha3-512', canon(e));
    prev = e['this_entry_hash'] as string;
    entries.push(e);
  });
  return { chain_head_hash: prev, chain_start_hash: GOV_START, entries, index_version: '1.0', last_updated: '2025-12-25T17:12:42.187677Z', total_entries: entries.length };
}

/** Recomputes an entry's this_entry_hash and relinks every later entry and the head. */
export function relink(index: Record<string, Val>): void {
  const entries = index['entries'] as Record<string, Val>[];
  let prev = index['chain_start_hash'] as string;
  for (const e of entries) {
    e['previous_entry_hash'] = prev;
    delete e['this_entry_hash'];
    e['this_entry_hash'] = 'sha3_512:' + hex('sha3-512', canon(e));
    prev = e['this_entry_hash'] as string;
  }
  index['chain_head_hash'] = prev;
}

// ---------------------------------------------------------------------------------------------
// coherence-ledger-v13

export const COHERENCE_GENESIS = 'genesis_hash_' + '0'.repeat(32);

export interface LedgerInput {
  type: string;
  data: Val;
  timestamp: number;
}

export function coherenceEntries(inputs: readonly LedgerInput[], genesis = COHERENCE_GENESIS): Record<string, Val>[] {
  let prev = genesis;
  return inputs.map((inp, i) => {
    const h = hex('sha256', canon({ entry_data: inp.data, previous_hash: prev, timestamp: inp.timestamp }));
    const e: Record<string, Val> = {
      entry_id: h,
      timestamp: inp.timestamp,
      entry_type: inp.type,
      data: inp.data,
      previous_hash: prev,
      entry_hash: h,
      pqc_cid: hex('sha256', `cid ${i}`).slice(0, 32),
      quantum_metadata: { component: 'CoherenceLedger', version: 'QFS-V13-P1-2', timestamp: String(inp.timestamp), pqc_scheme: 'Dilithium-5' }
    };
    prev = h;
    return e;
  });
}

export const jsonl = (rows: readonly Val[]): string => rows.map((r) => line(r)).join('\n') + '\n';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
