// Golden placements and fragments, derived independently of the code under test from
// docs/BUNDLE_FORMAT.md §10.4: rendezvous weights with node:crypto SHA-256, GF(2^8) arithmetic
// by shift-and-add (not the table implementation), RFC 6962 roots hashed by hand.

import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFragments, encodeFragments, placeFragments } from '../../../src/lib/core/economy';
import { scenario, type Scenario } from './scenario';

const sha = (...parts: Uint8Array[]): Buffer => createHash('sha256').update(Buffer.concat(parts)).digest();

/**
 * Rendezvous by the documented rule: rank nodes by SHA-256(cid ‖ id) descending (ties by id); each
 * fragment takes the first ranked node not used in this round (and, when asked, in an unused zone).
 */
function rendezvous(cid: string, n: number, nodes: Array<[string, string]>, zones: boolean): string[] {
  const ranked = nodes
    .map(([id, z]) => ({ id, z, w: sha(Buffer.from(cid, 'hex'), Buffer.from(id)).toString('hex') }))
    .sort((a, b) => (a.w < b.w ? 1 : a.w > b.w ? -1 : a.id < b.id ? -1 : 1));
  let used = new Set<string>();
  let usedZones = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    let cand = ranked.filter((x) => !used.has(x.id));
    if (cand.length === 0) {
      used = new Set();
      usedZones = new Set();
      cand = ranked;
    }
    if (zones && cand.some((x) => !usedZones.has(x.z))) cand = cand.filter((x) => !usedZones.has(x.z));
    used.add(cand[0]!.id);
    usedZones.add(cand[0]!.z);
    out.push(cand[0]!.id);
  }
  return out;
}

/** GF(2^8) multiply mod x^8+x^4+x^3+x^2+1 by shift-and-add; inverse by search. */
function gmul(a: number, b: number): number {
  let r = 0;
  while (b) {
    if (b & 1) r ^= a;
    a <<= 1;
    if (a & 0x100) a ^= 0x11d;
    b >>= 1;
  }
  return r;
}
const ginv = (a: number): number => [...Array(256).keys()].find((x) => gmul(a, x) === 1)!;

let s: Scenario;
beforeAll(() => {
  s = scenario();
});
const ALL: Array<[string, string]> = [['n-001', 'zA'], ['n-002', 'zA'], ['n-003', 'zB'], ['n-004', 'zC'], ['n-005', 'zB']];

describe('golden placements', () => {
  it('c1 "alpha" under g1 (k=2, m=1, align 4): fragments "alph", "a\\0\\0\\0" and the Cauchy parity; RFC 6962 root over 3 fragment hashes', () => {
    const x = s.l.replayer.explainPlacement(s.c1)!;
    // s = 4 × ceil(5 / (2 × 4)) = 4.  P0[b] = inv(2 ⊕ 0)·D0[b] ⊕ inv(2 ⊕ 1)·D1[b] = inv(2)·D0[b] ⊕ inv(3)·D1[b].
    expect(ginv(2)).toBe(0x8e); // 2 · 0x8e = 0x11c → reduced 0x01
    const d0 = Buffer.from('alph');
    const d1 = Buffer.from([0x61, 0, 0, 0]);
    const p0 = Buffer.from([0, 1, 2, 3].map((b) => gmul(ginv(2), d0[b]!) ^ gmul(ginv(3), d1[b]!)));
    const hashes = [sha(d0), sha(d1), sha(p0)];
    expect(x.fragmentSize).toBe(4);
    expect(x.fragments.map((f) => f.hash)).toEqual(hashes.map((h) => h.toString('hex')));
    // MTH of 3 leaves = H(0x01 ‖ H(0x01 ‖ L0 ‖ L1) ‖ L2), Li = H(0x00 ‖ hash_i)  (RFC 9162 §2.1.1)
    const L = hashes.map((h) => sha(Buffer.from([0]), h));
    const root = sha(Buffer.from([1]), sha(Buffer.from([1]), L[0]!, L[1]!), L[2]!);
    expect(x.root).toBe(root.toString('hex'));
    expect(x.rootMatches).toBe(true);
    // Placement at epoch 1 over all five nodes with zone diversity (zA, zA, zB, zC, zB).
    expect(x.fragments.map((f) => f.node)).toEqual(rendezvous(s.c1, 3, ALL, true));
    expect(new Set(x.fragments.map((f) => f.zone)).size).toBe(3);
    expect(x.matches).toBe(true);
  });
  it('c2 under g1: three distinct zones by rendezvous', () => {
    const x = s.l.replayer.explainPlacement(s.c2)!;
    expect(x.fragments.map((f) => f.node)).toEqual(rendezvous(s.c2, 3, ALL, true));
    expect(x.k).toBe(2);
    expect(x.n).toBe(3);
  });
  it('c3 at epoch 2 skips n-003, revoked from epoch 2', () => {
    const x = s.l.replayer.explainPlacement(s.c3)!;
    const live = ALL.filter(([id]) => id !== 'n-003');
    expect(x.fragments.map((f) => f.node)).toEqual(rendezvous(s.c3, 3, live, true));
    expect(x.fragments.every((f) => f.identity.status === 'verified')).toBe(true);
  });
  it('c4 at epoch 4 under g2: 3 replicas (whole content), no zone rule, n-006 now old enough', () => {
    const x = s.l.replayer.explainPlacement(s.c4)!;
    const nodes: Array<[string, string]> = [...ALL.filter(([id]) => id !== 'n-003'), ['n-006', 'zC']];
    expect(x.scheme).toBe('replica');
    expect(x.fragments.map((f) => f.node)).toEqual(rendezvous(s.c4, 3, nodes, false));
    expect(x.fragments.map((f) => f.hash)).toEqual(Array(3).fill(sha(Buffer.from('delta')).toString('hex')));
    expect(x.redundancy.at(-1)).toEqual({ epoch: 4, live: 3, redundancy: 2 });
  });
  it('redundancy of c1 = live fragments − k, per epoch (n-003 revoked from epoch 2)', () => {
    const x = s.l.replayer.explainPlacement(s.c1)!;
    const onN3 = x.fragments.filter((f) => f.node === 'n-003').length;
    expect(x.redundancy.map((r) => r.redundancy)).toEqual([1, 1 - onN3, 1 - onN3, 1 - onN3]);
  });
  it('pure rule: fewer eligible nodes than fragments reuses nodes; exhausted zones are relaxed', () => {
    const cid = sha(Buffer.from('x')).toString('hex');
    const two = placeFragments(cid, 3, [{ id: 'n-001', zone: 'z' }, { id: 'n-002', zone: 'z' }], true);
    expect(two.map((c) => c.node)).toEqual(rendezvous(cid, 3, [['n-001', 'z'], ['n-002', 'z']], true));
    expect(two[2]!.reused).toBe(true);
    expect(two[2]!.node).toBe(two[0]!.node); // a new round starts from the top of the ranking
    expect(placeFragments(cid, 3, [], true)).toEqual([]);
  });
  it('any k of the k+m erasure fragments rebuild the content (MDS)', () => {
    const content = Buffer.from('The quick brown fox jumps over the lazy dog, twice over.');
    const frags = encodeFragments(content, { scheme: 'erasure', k: 3, m: 2, fragmentAlign: 8, zoneDiversity: false });
    expect(frags).toHaveLength(5);
    for (let a = 0; a < 5; a++)
      for (let b = a + 1; b < 5; b++)
        for (let c = b + 1; c < 5; c++) {
          const got = decodeFragments(new Map([a, b, c].map((i) => [i, frags[i]!])), 3, 2, content.length);
          expect(Buffer.from(got!).equals(content)).toBe(true);
        }
    expect(decodeFragments(new Map([[0, frags[0]!], [4, frags[4]!]]), 3, 2, content.length)).toBeNull();
  });
});
