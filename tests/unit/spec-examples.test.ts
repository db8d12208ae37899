// Every worked example in docs/BUNDLE_FORMAT.md (blocks after <!-- example:NAME -->) is exactly what
// scripts/spec-examples.ts computes with the real code, and every computed example is in the doc.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { specExamples } from '../../scripts/spec-examples';

const doc = readFileSync(resolve(__dirname, '../../docs/BUNDLE_FORMAT.md'), 'utf8');
const inDoc = new Map<string, string>();
for (const m of doc.matchAll(/<!-- example:([a-z0-9-]+) -->\n```\n([\s\S]*?)\n```/g)) inDoc.set(m[1]!, m[2]!);

describe('BUNDLE_FORMAT.md worked examples', () => {
  const computed = specExamples();
  it('the document shows every computed example', () => {
    expect([...inDoc.keys()].sort()).toEqual(computed.map(([k]) => k).sort());
  });
  for (const [name, value] of computed) {
    it(`example ${name} matches the code`, () => {
      expect(inDoc.get(name)).toBe(value.replace(/\n$/, ''));
    });
  }
});
