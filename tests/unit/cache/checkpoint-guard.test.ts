// Rollback/fork decisions (src/lib/cache/checkpoint-guard.ts) over real RFC 6962 trees built with
// the core Merkle module: the decision is only as good as the consistency proof behind it.
import { describe, expect, it } from 'vitest';
import { decideCheckpoint, type ConsistencyTools } from '../../../src/lib/cache/checkpoint-guard';
import type { CheckpointRecord } from '../../../src/lib/cache/store';
import { consistencyProof, leafHash, rootFromLeafHashes, verifyConsistency } from '../../../src/lib/core/merkle';
import { toHex, utf8 } from '../../../src/lib/core/bytes';

const ORIGIN = 'example.org/log';
function leaves(n: number, tag = 'e'): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(utf8(`${tag}${i}`)));
}
function head(ls: Uint8Array[], size: number): CheckpointRecord {
  return { origin: ORIGIN, size, root: toHex(rootFromLeafHashes(ls.slice(0, size))), note: `${ORIGIN}\n${size}\n…\n` };
}
function tools(ls: Uint8Array[]): ConsistencyTools {
  return { prove: (m, n) => consistencyProof(ls, m, n), verify: (m, n, p, a, b) => verifyConsistency(m, n, p, a, b) };
}

describe('decideCheckpoint', () => {
  const log = leaves(37);

  it('accepts the first checkpoint of an origin (trust on first use)', () => {
    const d = decideCheckpoint(null, head(log, 37), tools(log));
    expect(d).toEqual({ kind: 'first', accept: head(log, 37) });
  });

  it('recognises the same tree head', () => {
    expect(decideCheckpoint(head(log, 37), head(log, 37), tools(log)).kind).toBe('same');
  });

  it('accepts a larger tree that extends the stored one, with a verifying proof', () => {
    for (const m of [1, 2, 3, 8, 16, 20, 36]) {
      const d = decideCheckpoint(head(log, m), head(log, 37), tools(log));
      expect(d.kind, `m=${m}`).toBe('extends');
      if (d.kind === 'extends') expect(d.proof.length).toBeGreaterThan(0);
    }
  });

  it('raises a rollback alarm for an older checkpoint, with both as evidence', () => {
    const d = decideCheckpoint(head(log, 37), head(log, 20), tools(log));
    expect(d.kind).toBe('rollback');
    if (d.kind === 'rollback') {
      expect(d.stored.size).toBe(37);
      expect(d.incoming.size).toBe(20);
      expect(d.reason).toContain('37');
    }
  });

  it('raises a fork alarm for a different root at the same size', () => {
    const other = leaves(37, 'x');
    const d = decideCheckpoint(head(log, 37), head(other, 37), tools(other));
    expect(d.kind).toBe('fork');
  });

  it('raises a fork alarm when the new log rewrote history before the stored size', () => {
    // Same first 19 entries, entry 19 changed, then extended: the stored head at 20 is not a prefix.
    const rewritten = [...log.slice(0, 19), leafHash(utf8('rewritten')), ...log.slice(20)];
    const d = decideCheckpoint(head(log, 20), head(rewritten, 37), tools(rewritten));
    expect(d.kind).toBe('fork');
    if (d.kind === 'fork') expect(d.reason).toMatch(/consistency proof from size 20 to 37 fails/);
  });
});
