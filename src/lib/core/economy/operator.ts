// The honest operator (docs/BUNDLE_FORMAT.md §10.8): the derived events an operator emits at the
// end of an epoch, computed by the same replay that verifies them. The reference issuer signs and
// appends them; a verifier never calls this.

import { formatAmount } from '../amount';
import type { Json } from '../canonical-json';
import { toHex } from '../bytes';
import type { EventType } from '../types';
import { fragmentSize } from './erasure';
import { fragmentShape } from './policy';
import type { ExpectedEvent, Replayer } from './replayer';
import { fragmentProof, fragmentRoot, hexList } from './storage-proof';

/** Storage proofs the reference issuer includes per epoch. */
export const PROOFS_PER_EPOCH = 3;

/**
 * What an honest operator emits at the end of `epoch`, in order, ending with epoch.close: the
 * ranking, one reward.allocate per rewarded account, one storage.place per content published in
 * the epoch, up to PROOFS_PER_EPOCH storage proofs (signed by the holding node) of earlier
 * placements, and the close with its state root. Needs the content bytes of this epoch's items.
 */
export function honestEpochEnd(r: Replayer, epoch: number): ExpectedEvent[] {
  const c = r.computeEpoch(epoch);
  const out: ExpectedEvent[] = [];
  const policy = c.entry?.hash;
  const bound = (type: EventType, payload: Json, signer = 'operator'): ExpectedEvent => (policy ? { type, signer, policy, payload } : { type, signer, payload });
  if (c.entry && c.rewards) {
    const pol = c.entry.policy;
    out.push(bound('ranking.publish', { entries: c.top.map((x) => ({ cid: x.cid, rank: x.rank, score: x.score })), epoch }));
    for (const a of c.rewards.rewarded) out.push(bound('reward.allocate', { account: a, amount: formatAmount(c.rewards.lines.get(a)!.amount), epoch }));
    const shape = fragmentShape(pol.storage);
    for (const [cid, choices] of c.placements) {
      if (choices.length === 0) continue; // no eligible node: the content stays unplaced (§10.4)
      const frag = r.contentFragments(cid, pol);
      if (!frag) throw new RangeError(`expectedEpochEnd(${epoch}) needs the bytes of content ${cid} (ReplayerOptions.contentBytes)`);
      const size = r.contents.get(cid)!.size;
      const fsize = pol.storage.scheme === 'erasure' ? fragmentSize(size, pol.storage.k, pol.storage.fragmentAlign) : size;
      out.push(
        bound('storage.place', {
          cid,
          epoch,
          fragmentSize: fsize,
          fragments: choices.map((ch, i) => ({ hash: toHex(frag.hashes[i]!), index: i, node: ch.node })),
          k: shape.k,
          n: shape.n,
          root: toHex(fragmentRoot(frag.hashes)),
          scheme: pol.storage.scheme,
          size
        })
      );
    }
    const placed = [...r.placements.values()];
    const chosen = new Set<string>();
    for (let j = 0; j < PROOFS_PER_EPOCH && placed.length > 0; j++) {
      const pl = placed[(epoch * PROOFS_PER_EPOCH + j) % placed.length]!;
      if (chosen.has(pl.cid)) continue;
      chosen.add(pl.cid);
      const index = (epoch + j) % pl.n;
      const node = pl.nodes[index]!;
      if (r.identity.status(node, epoch) !== 'verified') continue;
      const path = fragmentProof(pl.hashes, index);
      out.push(bound('storage.proof', { cid: pl.cid, epoch, hash: toHex(pl.hashes[index]!), index, node, path: hexList(path), root: toHex(pl.root) }, node));
    }
  }
  const { root } = r.prospective(c);
  const rw = c.rewards;
  out.push(
    bound('epoch.close', {
      accounts: rw ? rw.rewarded.length : 0,
      distributed: formatAmount(rw ? rw.distributed : 0n),
      epoch,
      pool: formatAmount(rw ? rw.pool : 0n),
      remainder: formatAmount(rw ? rw.remainder : 0n),
      stateRoot: root
    })
  );
  return out;
}
