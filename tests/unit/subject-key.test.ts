// checkSubjectKey (src/lib/core/ed25519.ts): the check on AEGIS-attested keys refuses exactly the
// keys no signature could ever pass with (length, encoding, small order, not on the curve), and,
// unlike checkKey for pinned keys, accepts a mixed-order (torsion) key.
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { SMALL_ORDER_ENCODINGS, checkKey, checkSubjectKey } from '../../src/lib/core/ed25519';
import { fromHex } from '../../src/lib/core/bytes';

const pub = ed25519.getPublicKey(new Uint8Array(32).fill(3));

/** A y (little endian, sign bit clear) for which no x exists: not a curve point. */
function offCurve(): Uint8Array {
  for (let y = 2; ; y++) {
    const b = new Uint8Array(32);
    b[0] = y;
    try {
      ed25519.Point.fromBytes(b);
    } catch {
      return b;
    }
  }
}

describe('checkSubjectKey', () => {
  it('accepts an honest key, as checkKey does', () => {
    expect(checkSubjectKey(pub)).toBeNull();
    expect(checkKey(pub)).toBeNull();
  });
  it('accepts a mixed-order key that checkKey (pinned keys) refuses', () => {
    const torsion = ed25519.Point.fromBytes(pub).add(ed25519.Point.fromBytes(SMALL_ORDER_ENCODINGS[4]!)).toBytes();
    expect(checkSubjectKey(torsion)).toBeNull();
    expect(checkKey(torsion)).toBe('not-torsion-free');
  });
  it('refuses wrong lengths, non-canonical encodings, small order and off-curve points', () => {
    expect(checkSubjectKey(pub.subarray(0, 31))).toBe('length');
    expect(checkSubjectKey(fromHex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f')!)).toBe('noncanonical-key');
    for (const e of SMALL_ORDER_ENCODINGS) expect(checkSubjectKey(e)).toBe('small-order-key');
    const off = offCurve();
    expect(checkSubjectKey(off)).toBe('not-on-curve');
    expect(checkKey(off)).toBe('not-on-curve');
  });
  it('throws on misuse', () => {
    expect(() => checkSubjectKey('key' as unknown as Uint8Array)).toThrow(TypeError);
  });
});
