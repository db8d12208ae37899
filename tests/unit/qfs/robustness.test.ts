// Bad input never crashes the QFS verifier, and every report is plain JSON data (it crosses the
// worker boundary and is printed with --json): no bigint, no class instances, no undefined values.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyQfs, verifyQfsSet } from '../../../src/lib/core/qfs';
import { busChain, busText, coherenceEntries, enc, govIndex, jsonl, poeArtifact, pretty } from './fixtures';

const vectors = fileURLToPath(new URL('../../vectors/qfs/', import.meta.url));
const samples = [
  busText(busChain(4, { restarts: [2] })),
  jsonl(coherenceEntries([{ type: 't', timestamp: 1, data: { a: 1 } }, { type: 't', timestamp: 2, data: { b: [1, 'x'] } }])),
  pretty(govIndex([{ id: 'A', cycle: 0, proofHash: 'sha3_512:' + 'ab'.repeat(64) }])),
  pretty(poeArtifact({ id: 'A', cycle: 0, yes: 1 })),
  readFileSync(`${vectors}/v13/ledger/staging_ledger_v1.jsonl`, 'utf8')
].map(enc);

function plain(r: unknown): void {
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
}

describe('robustness', () => {
  it('random bytes give a report, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        const r = verifyQfs(b, 'random.bin');
        plain(r);
        expect(r.ok).toBe(false);
      }),
      { numRuns: 200 }
    );
  });

  it('any single-byte change or truncation of a valid file gives a plain report, never an exception', () => {
    fc.assert(
      fc.property(fc.nat({ max: samples.length - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean(), (k, pos, byte, truncate) => {
        const src = samples[k]!;
        const i = pos % src.length;
        const b = truncate ? src.slice(0, i) : src.slice();
        if (!truncate) b[i] = byte;
        plain(verifyQfs(b));
      }),
      { numRuns: 300 }
    );
  });

  it('flipping any hex digit of any recorded hash in a generated chain fails it', () => {
    const text = busText(busChain(5));
    const spots = [...text.matchAll(/"(hash|prev_hash)": "([0-9a-f]{64})"/g)].flatMap((m) => {
      const start = m.index! + m[0].length - 65;
      return m[2] === '0'.repeat(64) ? [] : Array.from({ length: 64 }, (_, j) => start + j);
    });
    fc.assert(
      fc.property(fc.constantFrom(...spots), (at) => {
        const c = text[at]!;
        const flipped = text.slice(0, at) + (c === 'a' ? 'b' : 'a') + text.slice(at + 1);
        expect(verifyQfs(enc(flipped)).ok).toBe(false);
      }),
      { numRuns: 150 }
    );
  });

  it('a set of random files is still a plain report', () => {
    plain(verifyQfsSet([...samples.map((bytes, i) => ({ name: `s${i}`, bytes })), { name: 'junk', bytes: new Uint8Array([1, 2, 3]) }]));
  });
});
