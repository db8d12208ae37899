// The AEGIS registry (BUNDLE_FORMAT.md §9): attestations, windows, rotation, revocation, key check.
import { describe, expect, it } from 'vitest';
import { AegisRegistry } from '../../src/lib/core/aegis-registry';
import { SMALL_ORDER_ENCODINGS } from '../../src/lib/core/ed25519';
import { toBase64 } from '../../src/lib/core/bytes';
import { deriveKey } from '../../src/issuer/keys';

const key = (n: string) => deriveKey('aegis-test', n).pubB64;
const registry = () => new AegisRegistry();
const node = (subject: string, k: string, validFrom: number, validUntil: number, zone = 'eu') => ({ subject, kind: 'node', key: k, zone, validFrom, validUntil });
const user = (subject: string, k: string, validFrom = 0, validUntil = 100) => ({ subject, kind: 'user', key: k, validFrom, validUntil });

describe('AegisRegistry', () => {
  it('resolves status through the validity window', () => {
    const r = registry();
    expect(r.attest(10, 1, node('n-001', key('a'), 2, 4))).toBeNull();
    expect(r.status('n-001', 1)).toBe('pending');
    expect(r.status('n-001', 2)).toBe('verified');
    expect(r.status('n-001', 4)).toBe('verified');
    expect(r.status('n-001', 5)).toBe('expired');
    expect(r.status('n-002', 3)).toBe('unknown');
    expect(r.attestationSeq('n-001', 3)).toBe(10);
    expect(r.attestationSeq('n-001', 5)).toBeNull();
    expect(r.zone('n-001')).toBe('eu');
    expect(r.kind('n-001')).toBe('node');
    expect(r.resolve('n-001', 3)).toEqual({ status: 'verified', key: key('a'), kind: 'node' });
  });

  it('a re-attestation renews and rotates the key from its seq on', () => {
    const r = registry();
    r.attest(1, 0, node('n-001', key('a'), 0, 2));
    expect(r.attest(9, 2, node('n-001', key('b'), 2, 6, 'us'))).toBeNull();
    expect(r.resolve('n-001', 5)).toEqual({ status: 'verified', key: key('b'), kind: 'node' });
    expect(r.zone('n-001')).toBe('us');
    expect(r.attestationSeq('n-001', 1)).toBe(1);
    expect(r.attestationSeq('n-001', 5)).toBe(9);
  });

  it('revocation applies from its epoch and is final; kind never changes', () => {
    const r = registry();
    r.attest(1, 0, user('u-000001', key('u')));
    expect(r.revoke(5, 3, { subject: 'u-000001', from: 4, reason: 'x' })).toBeNull();
    expect(r.status('u-000001', 3)).toBe('verified');
    expect(r.status('u-000001', 4)).toBe('revoked');
    expect(r.revocationSeq('u-000001', 4)).toBe(5);
    expect(r.revocationSeq('u-000001', 3)).toBeNull();
    expect(r.attest(6, 4, user('u-000001', key('u2')))?.code).toBe('aegis.invalid');
    expect(r.revoke(7, 4, { subject: 'u-000001', from: 4, reason: 'again' })?.code).toBe('aegis.invalid');
    expect(r.revoke(8, 4, { subject: 'u-000404', from: 4, reason: 'x' })?.code).toBe('aegis.invalid');
    r.attest(9, 4, user('u-000002', key('v')));
    expect(r.attest(10, 4, node('u-000002', key('v'), 0, 9))?.code).toBe('aegis.invalid');
  });

  it('refuses keys that fail the subject key check (small order, not on the curve), every time', () => {
    for (let round = 0; round < 2; round++) {
      const r = registry();
      expect(r.attest(3, 0, user('u-000009', toBase64(SMALL_ORDER_ENCODINGS[1]!)))).toMatchObject({ code: 'aegis.invalid', seq: 3 });
      expect(r.status('u-000009', 0)).toBe('unknown');
      // y = 2 is not the y coordinate of a curve point
      const off = new Uint8Array(32);
      off[0] = 2;
      expect(r.attest(4, 0, user('u-000010', toBase64(off)))?.code).toBe('aegis.invalid');
    }
    // a custom check is used as given, not memoised
    const lax = new AegisRegistry(() => false);
    expect(lax.attest(1, 0, user('u-000011', key('good')))?.code).toBe('aegis.invalid');
  });

  it('numbers subjects densely in order of first attestation and keeps their first validFrom', () => {
    // subjectIndex keys per-subject state in arrays (the replay's account book); firstValidFrom is
    // the attestation-age guard's start (§10.5): a renewal, a refused attestation or a revocation
    // changes neither.
    const r = registry();
    expect(r.attest(1, 0, user('u-000005', key('a'), 3, 9))).toBeNull();
    expect(r.attest(2, 0, node('n-001', key('b'), 1, 4))).toBeNull();
    expect(r.attest(3, 0, user('u-000009', toBase64(SMALL_ORDER_ENCODINGS[1]!), 0, 9))?.code).toBe('aegis.invalid');
    expect(r.attest(4, 2, node('n-001', key('c'), 5, 12))).toBeNull();
    expect(r.attest(5, 2, user('u-000001', key('d'), 7, 8))).toBeNull();
    expect(r.revoke(6, 3, { subject: 'u-000005', from: 4, reason: 'x' })).toBeNull();
    expect(r.attest(7, 3, user('u-000005', key('e'), 0, 20))?.code).toBe('aegis.invalid');
    expect(r.attest(8, 3, user('n-001', key('f'), 0, 20))?.code).toBe('aegis.invalid');
    expect(['u-000005', 'n-001', 'u-000001', 'u-000009', 'treasury'].map((s) => r.subjectIndex(s))).toEqual([0, 1, 2, -1, -1]);
    expect(['u-000005', 'n-001', 'u-000001', 'u-000009', 'treasury'].map((s) => r.firstValidFrom(s))).toEqual([3, 1, 7, undefined, undefined]);
  });

  it('lists users and nodes sorted', () => {
    const r = registry();
    for (const id of ['u-000003', 'u-000001', 'u-000002']) r.attest(0, 0, user(id, key(id)));
    for (const id of ['n-010', 'n-002']) r.attest(0, 0, node(id, key(id), 0, 9));
    expect(r.users()).toEqual(['u-000001', 'u-000002', 'u-000003']);
    expect(r.nodes()).toEqual(['n-002', 'n-010']);
    r.attest(1, 0, user('u-000000', key('z')));
    expect(r.users()[0]).toBe('u-000000');
  });
});
