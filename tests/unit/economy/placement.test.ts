// placeFragments (src/lib/core/economy/placement.ts) against a direct statement of
// docs/BUNDLE_FORMAT.md §10.4 (the implementation before issue 7's word-compare rewrite): every
// field of every FragmentChoice, on random eligible lists with shared zones, null zones, duplicate
// ids, more fragments than nodes, and the same list reused (and changed in place) between calls.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { placeFragments, rendezvousWeight, type FragmentChoice, type PlacementNode } from '../../../src/lib/core/economy/placement';
import { compareCodePoints } from '../../../src/lib/core/canonical-json';

const weight = (cidHex: string, id: string): string =>
  createHash('sha256').update(Buffer.concat([Buffer.from(cidHex, 'hex'), Buffer.from(id, 'utf8')])).digest('hex');

function reference(cidHex: string, n: number, eligible: readonly PlacementNode[], zoneDiversity: boolean): FragmentChoice[] {
  if (eligible.length === 0) return [];
  const ranked = eligible.map((node) => ({ node, w: weight(cidHex, node.id) })).sort((a, b) => (a.w < b.w ? 1 : a.w > b.w ? -1 : compareCodePoints(a.node.id, b.node.id)));
  const used = new Set<string>();
  const usedZones = new Set<string>();
  const out: FragmentChoice[] = [];
  let round = 0;
  for (let i = 0; i < n; i++) {
    let candidates = ranked.filter((x) => !used.has(x.node.id));
    if (candidates.length === 0) {
      round++;
      used.clear();
      usedZones.clear();
      candidates = ranked;
    }
    let zoneFiltered = false;
    if (zoneDiversity) {
      const fresh = candidates.filter((x) => !usedZones.has(x.node.zone ?? ''));
      if (fresh.length > 0 && fresh.length < candidates.length) zoneFiltered = true;
      if (fresh.length > 0) candidates = fresh;
    }
    const win = candidates[0]!;
    const second = candidates[1];
    used.add(win.node.id);
    usedZones.add(win.node.zone ?? '');
    out.push({ index: i, node: win.node.id, zone: win.node.zone, weight: win.w, candidates: candidates.length, zoneFiltered, reused: round > 0, runnerUp: second ? { node: second.node.id, weight: second.w } : null });
  }
  return out;
}

const cidArb = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const nodeArb = fc.record({ id: fc.oneof(fc.constantFrom('n-001', 'n-002', 'n-003', 'n-004', 'n-0005', 'é-node', 'n'), fc.string({ maxLength: 12 })), zone: fc.oneof(fc.constant(null), fc.constantFrom('', 'zA', 'zB', 'zC')) });

describe('placeFragments', () => {
  it('equals the direct statement of §10.4 on random inputs', () => {
    fc.assert(
      fc.property(cidArb, fc.nat(20), fc.array(nodeArb, { maxLength: 30 }), fc.boolean(), (cid, n, nodes, zones) => {
        expect(placeFragments(cid, n, nodes, zones)).toEqual(reference(cid, n, nodes, zones));
      }),
      { numRuns: 500 }
    );
  });

  it('reuses a list across contents, and notices a list changed in place', () => {
    const nodes: PlacementNode[] = Array.from({ length: 40 }, (_, i) => ({ id: `n-${String(i).padStart(4, '0')}`, zone: `z${i % 5}` }));
    fc.assert(
      fc.property(fc.array(cidArb, { minLength: 1, maxLength: 20 }), fc.nat(39), (cids, k) => {
        for (const cid of cids) expect(placeFragments(cid, 7, nodes, true)).toEqual(reference(cid, 7, nodes, true));
        const saved = nodes[k]!;
        nodes[k] = { id: `${saved.id}x`, zone: 'zNew' };
        for (const cid of cids) expect(placeFragments(cid, 45, nodes, k % 2 === 0)).toEqual(reference(cid, 45, nodes, k % 2 === 0));
        nodes[k] = saved;
      }),
      { numRuns: 30 }
    );
  });

  it('rendezvousWeight is SHA-256(cid ‖ UTF-8 id)', () => {
    const cid = 'ab'.repeat(32);
    expect(Buffer.from(rendezvousWeight(Buffer.from(cid, 'hex'), 'n-é1')).toString('hex')).toBe(weight(cid, 'n-é1'));
  });
});
