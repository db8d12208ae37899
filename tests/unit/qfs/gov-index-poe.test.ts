import { describe, expect, it } from 'vitest';
import { parseStrict } from '../../../src/lib/core/canonical-json';
import { verifyGovIndex } from '../../../src/lib/core/qfs/gov-index-v15';
import { verifyPoe } from '../../../src/lib/core/qfs/poe-v1';
import { verifyQfsSet } from '../../../src/lib/core/qfs/verify';
import type { QfsFinding } from '../../../src/lib/core/qfs/report';
import { enc, govIndex, GOV_START, hex, poeArtifact, pretty, relink, type Val } from './fixtures';

const codes = (fs: QfsFinding[]): string[] => fs.map((f) => `${f.seq}:${f.code}`);
const py = (v: Val) => parseStrict(pretty(v), { mode: 'python' });

// Artifact A was rewritten once (v1 → v2); B never changed.
const A1 = poeArtifact({ id: 'GOV-9-EXEC-00', cycle: 0, yes: 100 });
const A2 = poeArtifact({ id: 'GOV-9-EXEC-00', cycle: 0, yes: 200 });
const B = poeArtifact({ id: 'GOV-9-EXEC-01', cycle: 1, yes: 50 });
const ref = (a: Record<string, Val>) => ({ id: a['artifact_id'] as string, cycle: (a['governance_scope'] as Record<string, number>)['cycle']!, proofHash: a['proof_hash'] as string });
const refs = [ref(A1), ref(B), ref(A1), ref(A2), ref(B), ref(A2)];

describe('gov-index-v15', () => {
  it('verifies a generated index: hashes, links, genesis, head', () => {
    const r = verifyGovIndex(py(govIndex(refs)));
    expect(r.failures).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.events).toBe(6);
    expect(r.hashesVerified).toBe(6);
    expect(r.linksVerified).toBe(6);
    expect(r.start).toBe(GOV_START);
    expect(r.artifacts).toEqual({ 'GOV-9-EXEC-00': [0, 2, 3, 5], 'GOV-9-EXEC-01': [1, 4] });
    expect(r.authenticity).toMatch(/^none/);
  });

  it('reports an edited entry as a hash mismatch at its index', () => {
    const ix = govIndex(refs);
    (ix['entries'] as Record<string, Val>[])[2]!['cycle'] = 7;
    expect(codes(verifyGovIndex(py(ix)).failures)).toEqual(['2:qfs.hash-mismatch']);
  });

  it('reports a wrong genesis (start hash), even when the chain is rebuilt on it', () => {
    const ix = govIndex(refs);
    ix['chain_start_hash'] = 'sha3_512:' + hex('sha3-512', 'GENESIS_QFS_V14');
    relink(ix);
    const r = verifyGovIndex(py(ix));
    expect(codes(r.failures)).toEqual(['null:qfs.genesis-mismatch']);
    // and a first entry that does not link to the start
    const iy = govIndex(refs);
    (iy['entries'] as Record<string, Val>[])[0]!['previous_entry_hash'] = 'sha3_512:' + hex('sha3-512', 'x');
    const e0 = verifyGovIndex(py(iy)).failures;
    expect(codes(e0)).toContain('0:qfs.genesis-mismatch');
    expect(codes(e0)).toContain('0:qfs.hash-mismatch');
  });

  it('reports head, count and sequence problems', () => {
    const ix = govIndex(refs);
    ix['chain_head_hash'] = (ix['entries'] as Record<string, Val>[])[4]!['this_entry_hash']!;
    ix['total_entries'] = 5;
    expect(codes(verifyGovIndex(py(ix)).failures)).toEqual(['null:qfs.count-mismatch', '5:qfs.head-mismatch']);
    const iz = govIndex(refs);
    (iz['entries'] as Record<string, Val>[])[3]!['sequence_number'] = 9;
    relink(iz);
    expect(codes(verifyGovIndex(py(iz)).failures)).toEqual(['3:qfs.sequence-gap']);
  });

  it('reports a removed entry as a dangling link and a placeholder hash as such', () => {
    const ix = govIndex(refs);
    const entries = ix['entries'] as Record<string, Val>[];
    entries.splice(2, 1);
    ix['total_entries'] = 5;
    for (const [i, e] of entries.entries()) e['sequence_number'] = i + 1;
    // only sequence numbers of later entries changed; re-hash them without relinking
    const r = verifyGovIndex(py(ix));
    expect(codes(r.failures).filter((c) => c.endsWith('dangling-parent'))).toEqual(['2:qfs.dangling-parent']);
    const iy = govIndex(refs);
    (iy['entries'] as Record<string, Val>[])[1]!['this_entry_hash'] = 'sha3_512:PLACEHOLDER';
    const f = codes(verifyGovIndex(py(iy)).failures);
    expect(f).toContain('1:qfs.placeholder-hash');
    expect(f).toContain('2:qfs.dangling-parent');
  });

  it('does not let the index restart at its start hash', () => {
    const ix = govIndex(refs);
    (ix['entries'] as Record<string, Val>[])[3]!['previous_entry_hash'] = GOV_START;
    const r = verifyGovIndex(py(ix));
    expect(codes(r.failures)).toEqual(['3:qfs.hash-mismatch', '3:qfs.prev-mismatch']);
    expect(r.failures[1]!.message).toContain('cannot restart');
  });
});

describe('poe-v1', () => {
  it('verifies a generated artifact and says it is unsigned', () => {
    const r = verifyPoe(py(A1));
    expect(r.failures).toEqual([]);
    expect(r.proofHash).toBe(r.recomputed);
    expect(r.scope).toEqual({ parameterKey: 'VIRAL_POOL_CAP', epoch: 1, cycle: 0, phase: 'EXECUTION' });
    expect(r.authenticity).toContain('PLACEHOLDER');
    expect(r.notes.join(' ')).toContain('literal placeholders');
  });

  it('ignores signatures (outside the hash) but not any other field', () => {
    const a = structuredClone(A1);
    (a['signatures'] as Record<string, Val>)['nod_address'] = 'NOD_0x1';
    expect(verifyPoe(py(a)).failures).toEqual([]);
    (a['vote_breakdown'] as Record<string, Val>)['yes_stake'] = 99;
    expect(codes(verifyPoe(py(a)).failures)).toEqual(['null:qfs.hash-mismatch']);
  });

  it('reports a placeholder proof_hash and an inconsistent expected_output_hash', () => {
    const a = structuredClone(A1);
    a['proof_hash'] = 'sha3_512:PLACEHOLDER';
    expect(codes(verifyPoe(py(a)).failures)).toEqual(['null:qfs.placeholder-hash', 'null:qfs.hash-mismatch']);
    const b = structuredClone(A1);
    (b['replay_instructions'] as Record<string, Val>)['expected_output_hash'] = B['proof_hash']!;
    expect(codes(verifyPoe(py(b)).failures)).toEqual(['null:qfs.hash-mismatch']);
  });
});

describe('verifyQfsSet: PoE artifacts against the index', () => {
  const files = (ix: Val, ...arts: Record<string, Val>[]) => [
    { name: 'evidence/governance_index.json', bytes: enc(pretty(ix)) },
    ...arts.map((a) => ({ name: `evidence/poe_artifacts/${a['artifact_id'] as string}.json`, bytes: enc(pretty(a)) }))
  ];

  it('matches entries that reference current content and reports older ones as mismatches', () => {
    const s = verifyQfsSet(files(govIndex(refs), A2, B));
    expect(s.files.map((f) => [f.format, f.ok])).toEqual([
      ['gov-index-v15', true],
      ['poe-v1', true],
      ['poe-v1', true]
    ]);
    const a = s.crossChecks.find((c) => c.artifactId === 'GOV-9-EXEC-00')!;
    expect([a.matched, a.mismatched, a.current]).toEqual([[3, 5], [0, 2], true]);
    const b = s.crossChecks.find((c) => c.artifactId === 'GOV-9-EXEC-01')!;
    expect([b.matched, b.mismatched, b.current]).toEqual([[1, 4], [], true]);
    expect(s.ok).toBe(false);
    expect(s.failures.map((f) => `${f.file}#${f.seq}:${f.code}`)).toEqual(['evidence/governance_index.json#0:qfs.artifact-mismatch', 'evidence/governance_index.json#2:qfs.artifact-mismatch']);
    expect(s.failures[0]!.message).toContain('rewritten after this entry');
  });

  it('says so when the latest entry does not reference the artifact\'s current content', () => {
    const s = verifyQfsSet(files(govIndex(refs), A1));
    const a = s.crossChecks[0]!;
    expect([a.matched, a.mismatched, a.current]).toEqual([[0, 2], [3, 5], false]);
    expect(s.failures.find((f) => f.seq === 5)!.message).toContain('latest entry');
    expect(s.notes.join('\n')).toContain('GOV-9-EXEC-01'); // entries of an artifact not supplied: noted, not failed
  });

  it('reports a matching entry that describes another scope, and an artifact no entry names', () => {
    const ix = govIndex(refs);
    (ix['entries'] as Record<string, Val>[])[4]!['cycle'] = 3;
    relink(ix);
    const other = poeArtifact({ id: 'GOV-9-EXEC-77', cycle: 0, yes: 1 });
    const s = verifyQfsSet(files(ix, B, other));
    expect(s.failures.map((f) => `${f.seq}:${f.code}`)).toEqual(['4:qfs.artifact-mismatch', 'null:qfs.artifact-missing']);
  });

  it('checks PoE files alone when no index is given, and carries file-level failures with their file', () => {
    const s = verifyQfsSet([{ name: 'x.json', bytes: enc(pretty(A1)) }, { name: 'junk.txt', bytes: enc('hello') }]);
    expect(s.notes[0]).toContain('no governance index');
    expect(s.failures.map((f) => `${f.file}:${f.code}`)).toEqual(['junk.txt:qfs.unrecognised']);
  });
});
