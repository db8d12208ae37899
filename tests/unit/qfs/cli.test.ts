import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyQfsFile, verifyQfsFiles } from '../../../src/cli/commands/qfs';
import { busChain, busText } from './fixtures';

const vectors = fileURLToPath(new URL('../../vectors/qfs/', import.meta.url));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

const tmp = mkdtempSync(join(tmpdir(), 'atlas-qfs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('atlas verify on QFS files', () => {
  it('prints a readable report naming the profile, segments and the failing line; exit 1', async () => {
    const c = capture();
    const code = await verifyQfsFile(join(vectors, 'evidence_chain.jsonl'), { json: false, io: c.io });
    expect(code).toBe(1);
    const text = c.out.join('\n');
    expect(text).toMatch(/^INVALID {2}evidencebus-v15/);
    expect(text).toContain('234 envelopes · 6 segment(s) · MOCKQPC env dev · hashes 234/234 · signatures 234/234');
    expect(text).toContain('lines 155–234 (80)');
    expect(text).toMatch(/line 195 +qfs\.dangling-parent/);
    expect(text).toContain('authenticity: integrity only: MOCKQPC keys derive from a public seed');
  });

  it('prints JSON with --json and exits 0 for a file that verifies', async () => {
    const c = capture();
    const code = await verifyQfsFile(join(vectors, 'evidence/evidence_chain.jsonl'), { json: true, io: c.io });
    expect(code).toBe(0);
    const r = JSON.parse(c.out.join(''));
    expect([r.ok, r.format, r.events, r.env]).toEqual([true, 'evidencebus-v15', 11, 'dev']);
  });

  it('cross-checks a governance index with the PoE files its retrieval_path names', async () => {
    const c = capture();
    const code = await verifyQfsFile(join(vectors, 'evidence/governance_index.json'), { json: true, io: c.io });
    expect(code).toBe(1);
    const s = JSON.parse(c.out.join(''));
    expect(s.format).toBe('qfs-set');
    expect(s.files.map((f: { format: string }) => f.format)).toEqual(['gov-index-v15', 'poe-v1', 'poe-v1', 'poe-v1']);
    expect(s.crossChecks.flatMap((x: { matched: number[] }) => x.matched).length).toBe(14);
    const alone = capture();
    expect(await verifyQfsFile(join(vectors, 'evidence/governance_index.json'), { json: true, artifacts: false, io: alone.io })).toBe(0);
    expect(JSON.parse(alone.out.join('')).format).toBe('gov-index-v15');
  });

  it('verifies an explicit set and prints the cross-check in text', async () => {
    const c = capture();
    const code = await verifyQfsFiles([join(vectors, 'evidence/governance_index.json'), join(vectors, 'evidence/poe_artifacts/GOV-001-EXEC-02.json')], { json: false, io: c.io });
    expect(code).toBe(1);
    expect(c.out.join('\n')).toContain('cross-check GOV-001-EXEC-02: 3 entries reference current content [113, 117, 121]');
  });

  it('exits 2 with a clear message for unreadable and unrecognised files', async () => {
    const missing = capture();
    expect(await verifyQfsFile(join(tmp, 'nope.jsonl'), { json: false, io: missing.io })).toBe(2);
    expect(missing.err.join('')).toMatch(/cannot read .*nope\.jsonl/);
    const junk = join(tmp, 'junk.json');
    writeFileSync(junk, '{"hello": "world"}');
    const c = capture();
    expect(await verifyQfsFile(junk, { json: false, io: c.io })).toBe(2);
    expect(c.out.join('')).toContain('unrecognised QFS artifact');
    const ok = join(tmp, 'chain.jsonl');
    writeFileSync(ok, busText(busChain(3)));
    expect(await verifyQfsFile(ok, { json: false, io: capture().io })).toBe(0);
  });
});
