// Turning recorded-vs-recomputed hash differences into findings. Two codes, one rule each:
//
//   qfs.placeholder-hash — the recorded value commits to no content. Either it is not a hash at
//     all (e.g. "sha3_512:PLACEHOLDER", wrong length, not hex), or the file has at least two
//     entries and *none* has a hash that matches its content: the file was never hashed by the
//     profile's recipe (the v13 staging ledger, whose hashes are SHA-256 of labels such as
//     "genesis_hash", is such a file). One entry alone cannot tell a placeholder from tampering.
//   qfs.hash-mismatch — otherwise: this entry's content no longer matches its recorded hash while
//     other entries' do, which is what tampering with one entry looks like.
//
// Both are failures: in neither case does the recorded hash vouch for the content.

import { FindingList, short } from './report';

export interface HashDifference {
  seq: number;
  recorded: string;
  recomputed: string;
  /** The recorded value is not a well-formed hash of the profile's algorithm. */
  malformed: boolean;
}

/**
 * Adds one finding per difference. `checked` is how many entries had their hash recomputed
 * (matching ones included), so "no entry matches" can be told from "some entries do not".
 */
export function reportHashDifferences(diffs: readonly HashDifference[], checked: number, findings: FindingList, label: (seq: number) => string, field: string): void {
  const noneMatch = checked >= 2 && diffs.length === checked;
  for (const d of diffs) {
    if (d.malformed) {
      findings.add(d.seq, 'qfs.placeholder-hash', `${label(d.seq)}: ${field} ${JSON.stringify(short(d.recorded))} is a placeholder, not a hash; the content hashes to ${short(d.recomputed)}`);
    } else if (noneMatch) {
      findings.add(d.seq, 'qfs.placeholder-hash', `${label(d.seq)}: ${field} ${short(d.recorded)} does not commit to the content (it hashes to ${short(d.recomputed)}); no entry in this file matches its recorded hash, so the hashes are placeholders`);
    } else {
      findings.add(d.seq, 'qfs.hash-mismatch', `${label(d.seq)}: ${field} ${short(d.recorded)} does not match the content, which hashes to ${short(d.recomputed)}`);
    }
  }
}
