import { describe, expect, it } from 'vitest';
import { verifyCoherenceLedger } from '../../../src/lib/core/qfs/coherence-ledger-v13';
import { detectProfile } from '../../../src/lib/core/qfs/detect';
import { verifyQfs } from '../../../src/lib/core/qfs/verify';
import type { QfsFinding } from '../../../src/lib/core/qfs/report';
import { busChain, busText, coherenceEntries, COHERENCE_GENESIS, enc, govIndex, hex, jsonl, line, poeArtifact, pretty, Raw, type LedgerInput, type Val } from './fixtures';

const codes = (fs: QfsFinding[]): string[] => fs.map((f) => `${f.seq}:${f.code}`);

const inputs: LedgerInput[] = [
  { type: 'token_state', timestamp: 1000, data: { token_bundle: { chr_state: { coherence_metric: '0.99' }, lambda1: '0.5' } } },
  { type: 'reward_allocation', timestamp: 1010, data: { rewards: { w1: { base_reward: '100.00', final_reward: '120.00', epoch: 1 } } } },
  { type: 'content_stored', timestamp: 1020, data: { object_id: 'c1', shard_ids: ['s1', 's2'], score: new Raw('0.5') } },
  { type: 'storage_proof', timestamp: 1030, data: { object_id: 'c1', proof: { size: 3300, algo: 'SHA3-256-Merkle-4KB' } } }
];

describe('coherence-ledger-v13', () => {
  it('verifies a generated ledger from the genesis literal, in replay order', () => {
    const r = verifyCoherenceLedger(jsonl(coherenceEntries(inputs)));
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.hashesVerified).toBe(4);
    expect(r.linksVerified).toBe(4);
    expect(r.replayOrder).toEqual([1, 2, 3, 4]);
    expect(r.replayOrderMatchesFile).toBe(true);
    expect(r.segments.map((s) => [s.from, s.to])).toEqual([[1, 4]]);
  });

  it('reports a wrong genesis at line 1', () => {
    const r = verifyCoherenceLedger(jsonl(coherenceEntries(inputs, '0')));
    expect(codes(r.failures)).toEqual(['1:qfs.genesis-mismatch']);
    expect(r.hashesVerified).toBe(4);
  });

  it('reports one edited entry as a hash mismatch, not a placeholder', () => {
    const es = coherenceEntries(inputs);
    ((es[1]!['data'] as Record<string, Val>)['rewards'] as Record<string, Record<string, Val>>)['w1']!['final_reward'] = '999.00';
    expect(codes(verifyCoherenceLedger(jsonl(es)).failures)).toEqual(['2:qfs.hash-mismatch']);
  });

  it('reports label hashes with consistent links as placeholders on every line (the staging ledger pattern)', () => {
    const labels = ['genesis', 'reward_1', 'store_1', 'proof_1'];
    let prev = '0';
    const es = coherenceEntries(inputs).map((e, i) => {
      const h = hex('sha256', `${labels[i]}_hash`);
      const out = { ...e, entry_id: hex('sha256', labels[i]!), previous_hash: prev, entry_hash: h };
      prev = h;
      return out;
    });
    const r = verifyCoherenceLedger(jsonl(es));
    expect(codes(r.failures)).toEqual(['1:qfs.placeholder-hash', '1:qfs.genesis-mismatch', '2:qfs.placeholder-hash', '3:qfs.placeholder-hash', '4:qfs.placeholder-hash']);
    expect(r.linksVerified).toBe(3);
  });

  it('reports entry_id that is not the entry_hash', () => {
    const es = coherenceEntries(inputs);
    es[2]!['entry_id'] = hex('sha256', 'other');
    expect(codes(verifyCoherenceLedger(jsonl(es)).failures)).toEqual(['3:qfs.entry-id-mismatch']);
  });

  it('gives the (timestamp, entry_id) replay order when it differs from file order, without failing', () => {
    const swapped = [inputs[0]!, { ...inputs[1]!, timestamp: 1025 }, inputs[2]!, { ...inputs[3]!, timestamp: 1020 }];
    const r = verifyCoherenceLedger(jsonl(coherenceEntries(swapped)));
    expect(r.ok).toBe(true);
    const id3 = coherenceEntries(swapped)[2]!['entry_id'] as string;
    const id4 = coherenceEntries(swapped)[3]!['entry_id'] as string;
    // lines 3 and 4 share timestamp 1020 and are ordered by entry_id; line 2 (1025) comes after both
    expect(r.replayOrder).toEqual(id3 < id4 ? [1, 3, 4, 2] : [1, 4, 3, 2]);
    expect(r.replayOrderMatchesFile).toBe(false);
    expect(r.notes.join(' ')).toContain('differs from file order');
  });

  it('starts a new segment at a later genesis literal (a second run appended)', () => {
    const r = verifyCoherenceLedger(jsonl([...coherenceEntries(inputs.slice(0, 2)), ...coherenceEntries(inputs.slice(2))]));
    expect(r.ok).toBe(true);
    expect(r.segments.map((s) => [s.from, s.to])).toEqual([[1, 2], [3, 4]]);
  });

  it('reports a broken line and a missing field precisely', () => {
    const es = coherenceEntries(inputs);
    delete es[3]!['timestamp'];
    const text = jsonl(es).split('\n');
    text[1] = '{"entry_id": ';
    const r = verifyCoherenceLedger(text.join('\n'));
    expect(codes(r.failures)).toEqual(['2:qfs.syntax', '4:qfs.schema', '4:qfs.hash-mismatch']);
  });
});

describe('detectProfile', () => {
  const gen = {
    'evidencebus-v15': busText(busChain(3)),
    'coherence-ledger-v13': jsonl(coherenceEntries(inputs)),
    'gov-index-v15': pretty(govIndex([])),
    'poe-v1': pretty(poeArtifact({ id: 'X', cycle: 0, yes: 1 }))
  } as const;

  it('recognises each profile from its shape, whatever the name', () => {
    for (const [profile, text] of Object.entries(gen)) {
      const d = detectProfile(enc(text), 'misleading-name.txt');
      expect(d.ok && d.profile).toBe(profile);
      expect(verifyQfs(enc(text)).format).toBe(profile);
    }
  });

  it('recognises one-record files with no final newline, and files whose first line is damaged', () => {
    expect(detectProfile(enc(line(busChain(1)[0] as unknown as Val))).ok).toBe(true);
    const damaged = '{"event": oops\n' + busText(busChain(2));
    const d = detectProfile(enc(damaged));
    expect(d.ok && d.profile).toBe('evidencebus-v15');
    expect(codes(verifyQfs(enc(damaged)).failures)).toContain('1:qfs.syntax');
  });

  it('explains what it tried when nothing matches', () => {
    for (const text of ['', '{"a": 1}', '[1,2]', 'not json\nat all', '{"a": 1}\n{"b": 2}\n']) {
      const d = detectProfile(enc(text), 'f.json');
      expect(d.ok).toBe(false);
      if (!d.ok) {
        expect(d.tried).toEqual(['evidencebus-v15', 'coherence-ledger-v13', 'gov-index-v15', 'poe-v1']);
        expect(d.message).toContain('unrecognised QFS artifact "f.json"');
        expect(d.message).toContain('gov-index-v15 (');
      }
      const r = verifyQfs(enc(text), 'f.json');
      expect([r.ok, r.format, r.failures[0]!.code]).toEqual([false, 'unrecognised', 'qfs.unrecognised']);
    }
  });

  it('reports a damaged governance index or PoE file under its profile, at a line and column', () => {
    const text = gen['gov-index-v15'].replace('"chain_start_hash": ', '"chain_start_hash" ');
    const d = detectProfile(enc(text), 'governance_index.json');
    expect(d.ok && d.profile).toBe('gov-index-v15');
    const r = verifyQfs(enc(text));
    expect([r.format, r.ok, r.events]).toEqual(['gov-index-v15', false, 0]);
    expect(r.failures).toEqual([{ seq: null, code: 'qfs.syntax', message: "not valid JSON: expected ':' at line 3, column 22" }]);
    const poe = verifyQfs(enc(gen['poe-v1'].slice(0, -3)));
    expect([poe.format, poe.failures.map((f) => f.code)]).toEqual(['poe-v1', ['qfs.syntax']]);
    // other broken documents still say what was tried
    const other = detectProfile(enc('{\n  "a": 1,\n}'));
    expect(!other.ok && other.message).toMatch(/it is not valid JSON \(.* at line 3, column 1\)/);
  });

  it('reports invalid UTF-8 as an encoding failure, and misuse as TypeError', () => {
    const r = verifyQfs(new Uint8Array([0x7b, 0xff, 0x7d]));
    expect(r.failures.map((f) => f.code)).toEqual(['qfs.encoding']);
    expect(() => verifyQfs('text' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('genesis literal is "genesis_hash_" and 32 zeros', () => {
    expect(COHERENCE_GENESIS).toHaveLength(45);
  });
});
