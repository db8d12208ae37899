// Fragment placement by rendezvous (highest random weight) hashing (docs/BUNDLE_FORMAT.md §10.4).
//
//   eligible   = nodes whose AEGIS status at the placement epoch is `verified` and whose attestation
//                age ≥ aegis.minAttestationAge, sorted by id (code point)
//   weight(i, node) = SHA-256( cid (32 raw bytes) ‖ u32be(i) ‖ UTF-8(node id) ), compared as a
//                256-bit big-endian unsigned integer
//   for i = 0 … n−1 in order:
//     candidates = eligible nodes not yet holding a fragment of this content (all eligible when
//                  none is left: fragments then share nodes)
//     if storage.zoneDiversity: restrict candidates to nodes whose zone holds no fragment of this
//                  content yet, unless that leaves none
//     node_i = the candidate with the highest weight (ties: lowest node id)

import { compareCodePoints } from '../canonical-json';
import { concatBytes, fromHex, toHex, utf8 } from '../bytes';
import { sha256 } from '../hash';

export interface PlacementNode {
  id: string;
  zone: string | null;
}

export interface FragmentChoice {
  index: number;
  node: string;
  zone: string | null;
  /** Hex of the winning weight. */
  weight: string;
  /** How many nodes competed for this fragment, and whether the zone rule narrowed them. */
  candidates: number;
  zoneFiltered: boolean;
  reused: boolean;
  /** Best losing candidate, for the explanation. */
  runnerUp: { node: string; weight: string } | null;
}

function u32be(n: number): Uint8Array {
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

export function rendezvousWeight(cid: Uint8Array, index: number, node: string): Uint8Array {
  return sha256(concatBytes(cid, u32be(index), utf8(node)));
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Place n fragments of `cid` (hex) on `eligible` nodes; [] when there is no eligible node. */
export function placeFragments(cidHex: string, n: number, eligible: readonly PlacementNode[], zoneDiversity: boolean): FragmentChoice[] {
  const cid = fromHex(cidHex);
  if (!cid || cid.length !== 32) throw new TypeError(`cid must be 64 lower-case hex characters: ${cidHex}`);
  const nodes = [...eligible].sort((a, b) => compareCodePoints(a.id, b.id));
  if (nodes.length === 0) return [];
  const used = new Set<string>();
  const usedZones = new Set<string>();
  const out: FragmentChoice[] = [];
  for (let i = 0; i < n; i++) {
    let candidates = nodes.filter((x) => !used.has(x.id));
    const reused = candidates.length === 0;
    if (reused) candidates = nodes;
    let zoneFiltered = false;
    if (zoneDiversity) {
      const fresh = candidates.filter((x) => !usedZones.has(x.zone ?? ''));
      if (fresh.length > 0 && fresh.length < candidates.length) zoneFiltered = true;
      if (fresh.length > 0) candidates = fresh;
    }
    let best: { node: PlacementNode; w: Uint8Array } | null = null;
    let second: { node: PlacementNode; w: Uint8Array } | null = null;
    for (const node of candidates) {
      const w = rendezvousWeight(cid, i, node.id);
      // candidates are in id order, so a strict > keeps the lowest id on a tie
      if (!best || compareBytes(w, best.w) > 0) {
        second = best;
        best = { node, w };
      } else if (!second || compareBytes(w, second.w) > 0) second = { node, w };
    }
    const win = best!;
    used.add(win.node.id);
    usedZones.add(win.node.zone ?? '');
    out.push({
      index: i,
      node: win.node.id,
      zone: win.node.zone,
      weight: toHex(win.w),
      candidates: candidates.length,
      zoneFiltered,
      reused,
      runnerUp: second ? { node: second.node.id, weight: toHex(second.w) } : null
    });
  }
  return out;
}
