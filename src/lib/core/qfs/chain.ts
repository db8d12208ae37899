// The parent-link walk shared by the hash-chained profiles (evidencebus-v15, gov-index-v15,
// coherence-ledger-v13). Each entry names its parent by the parent's recorded hash; file order is
// the chain order. The walk classifies every link and cuts the file into segments:
//
//   genesis  — the parent is the profile's genesis value: a new segment starts here. EvidenceBus
//              restarts at 64 zeros each time a process starts, so one file holds many segments.
//   linked   — the parent is the preceding entry's recorded hash.
//   dangling — the parent appears nowhere in the file: 'qfs.dangling-parent' at this entry.
//   mismatch — the parent is the hash of some other entry, not the preceding one:
//              'qfs.prev-mismatch' at this entry, naming where that hash does occur.
//   unknown  — the preceding entry could not be read; its own finding already covers the gap.
//
// Dangling and mismatched links do not start a segment; they are listed in the segment's `breaks`,
// so segments always start at genesis entries (or at the first entry) and a break is visible.
// Whether each recorded hash matches its content is the profile's business, not the walk's.

import { FindingList, short, type QfsSegment } from './report';

export interface ChainEntry {
  seq: number;
  /** The entry's recorded hash, or null when the entry could not be read. */
  hash: string | null;
  /** The recorded parent hash, or null when the entry could not be read. */
  prev: string | null;
}

export interface ChainWalkOptions {
  isGenesis(prev: string): boolean;
  /** How to name an entry in messages: "line 12", "entry 7". */
  label(seq: number): string;
  /** Field name of the parent link, for messages. */
  prevField: string;
  /**
   * When set, the first entry must start at genesis; if it does not, 'qfs.genesis-mismatch' is
   * reported there with this description of the expected value (instead of a dangling parent).
   */
  firstMustBeGenesis?: string;
  /**
   * False for single-chain files (the governance index): a genesis parent after the first entry is
   * then a break ('qfs.prev-mismatch'), not the start of a new segment. Default true.
   */
  allowRestart?: boolean;
}

export interface ChainWalk {
  segments: QfsSegment[];
  /** Links that were checked and hold (genesis starts included). */
  linksVerified: number;
}

export function walkChain(entries: readonly ChainEntry[], opts: ChainWalkOptions, findings: FindingList): ChainWalk {
  const where = new Map<string, number[]>();
  for (const e of entries) {
    if (e.hash === null) continue;
    const seqs = where.get(e.hash);
    if (seqs === undefined) where.set(e.hash, [e.seq]);
    else seqs.push(e.seq);
  }
  const segments: QfsSegment[] = [];
  let current: QfsSegment | null = null;
  let linksVerified = 0;
  let before: ChainEntry | null = null;
  for (const e of entries) {
    const first = before === null;
    const restart = e.prev !== null && opts.isGenesis(e.prev);
    if (restart && (first || opts.allowRestart !== false)) {
      current = { from: e.seq, to: e.seq, events: 0, head: '', breaks: [] };
      segments.push(current);
      linksVerified++;
    } else {
      if (current === null) {
        current = { from: e.seq, to: e.seq, events: 0, head: '', breaks: [] };
        segments.push(current);
      }
      if (e.prev === null || (before !== null && before.hash === null)) {
        // unknown: this entry or its predecessor is unreadable and already reported
      } else if (first && opts.firstMustBeGenesis !== undefined) {
        findings.add(e.seq, 'qfs.genesis-mismatch', `${opts.label(e.seq)}: ${opts.prevField} ${JSON.stringify(short(e.prev))} is not the genesis value ${opts.firstMustBeGenesis}`);
        current.breaks.push(e.seq);
      } else if (before !== null && e.prev === before.hash) {
        linksVerified++;
      } else if (restart) {
        findings.add(e.seq, 'qfs.prev-mismatch', `${opts.label(e.seq)}: ${opts.prevField} is the genesis value, but this file holds a single chain that cannot restart (expected the hash of ${opts.label(before?.seq ?? e.seq)})`);
        current.breaks.push(e.seq);
      } else {
        const at = where.get(e.prev);
        const expected = before === null ? 'the genesis value (this is the first entry)' : `the hash of ${opts.label(before.seq)}, ${short(before.hash ?? '')}`;
        if (at === undefined) {
          findings.add(e.seq, 'qfs.dangling-parent', `${opts.label(e.seq)}: ${opts.prevField} ${short(e.prev)} appears nowhere in the file (expected ${expected})`);
        } else {
          const places = at.slice(0, 5).map(opts.label).join(', ') + (at.length > 5 ? ` and ${at.length - 5} more` : '');
          findings.add(e.seq, 'qfs.prev-mismatch', `${opts.label(e.seq)}: ${opts.prevField} ${short(e.prev)} is the hash of ${places}, not of the preceding entry (expected ${expected})`);
        }
        current.breaks.push(e.seq);
      }
    }
    current.to = e.seq;
    current.events++;
    if (e.hash !== null) current.head = e.hash;
    before = e;
  }
  return { segments, linksVerified };
}
