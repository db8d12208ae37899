// fromBase64 (src/lib/core/bytes.ts) against an independent statement of the strict rule: the
// standard alphabet with mandatory padding, and the text is the one canonical encoding of its bytes
// (zero padding bits), checked through Node's encoder on random near-base64 strings.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromBase64 } from '../../src/lib/core/bytes';

const FORM = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const strict = (s: string): Uint8Array | null => {
  if (!FORM.test(s)) return null;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? new Uint8Array(b) : null;
};
const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ '.split(''));

describe('fromBase64 strict rule', () => {
  it('agrees with the independent rule on random near-base64 text', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 24 }), (cs) => {
        const s = cs.join('');
        expect(fromBase64(s)).toEqual(strict(s));
      }),
      { numRuns: 3000 }
    );
  });
  it('round-trips canonical encodings of random bytes, and refuses non-zero padding bits', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (b) => {
        const s = Buffer.from(b).toString('base64');
        expect(fromBase64(s)).toEqual(b);
      }),
      { numRuns: 500 }
    );
    expect(fromBase64('QR==')).toBeNull();
    expect(fromBase64('QUJ=')).toBeNull();
    expect(fromBase64('====')).toBeNull();
    expect(fromBase64('')).toEqual(new Uint8Array(0));
  });
});
