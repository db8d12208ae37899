// The report every QFS profile returns (docs/QFS_ARTIFACTS.md). It has the same outer shape as a
// bundle verification result — {ok, format, events, failures[{seq, code, message}]} — plus the
// profile's extras. It is plain data (no classes, no bigint, no Map) so it crosses the worker
// boundary and serialises to JSON unchanged (STYLE.md 6).
//
// What `seq` means, per profile:
//   evidencebus-v15, coherence-ledger-v13 (JSONL): the 1-based line number in the file.
//   gov-index-v15: the 0-based position of the entry in `entries[]` (sequence_number is position+1).
//   poe-v1: null; a PoE file is one artifact and its findings name the field instead.
//   Any profile: null for a finding about the file as a whole (empty file, unrecognised shape).

export type QfsProfile = 'evidencebus-v15' | 'gov-index-v15' | 'poe-v1' | 'coherence-ledger-v13';

export const QFS_PROFILES: readonly QfsProfile[] = ['evidencebus-v15', 'gov-index-v15', 'poe-v1', 'coherence-ledger-v13'];

export type QfsFindingCode =
  | 'qfs.unrecognised' // the file matches no profile (message lists what was tried)
  | 'qfs.encoding' // not UTF-8
  | 'qfs.limit' // file or line larger than QFS_LIMITS
  | 'qfs.syntax' // a line or file that is not JSON
  | 'qfs.schema' // JSON of the wrong shape (missing or mistyped field)
  | 'qfs.hash-mismatch' // recorded hash differs from the hash recomputed from the content
  | 'qfs.placeholder-hash' // recorded hash is a placeholder: it commits to no content
  | 'qfs.signature-invalid' // MOCKQPC signature verifies under no environment
  | 'qfs.dangling-parent' // parent hash appears nowhere in the file
  | 'qfs.prev-mismatch' // parent hash names an entry other than the preceding one
  | 'qfs.genesis-mismatch' // the chain does not start at the profile's genesis value
  | 'qfs.head-mismatch' // declared head differs from the last entry's hash
  | 'qfs.count-mismatch' // declared entry count differs from the entries present
  | 'qfs.sequence-gap' // sequence_number is not position + 1
  | 'qfs.entry-id-mismatch' // CoherenceLedger entry_id differs from entry_hash
  | 'qfs.artifact-mismatch' // an index entry references content the artifact no longer has
  | 'qfs.artifact-missing'; // an index entry's artifact was looked for and is not among the files

/** One failure, as data. Structurally a bundle `Finding` with a QFS code. */
export interface QfsFinding {
  /** See the header comment: line number, entry index, or null for the whole file. */
  seq: number | null;
  code: QfsFindingCode;
  message: string;
  /** The file the finding is about, when a report covers several files. */
  file?: string;
}

/** A run of entries in file order; see each profile for where runs start. */
export interface QfsSegment {
  /** First and last seq (line or entry index) of the run, inclusive. */
  from: number;
  to: number;
  events: number;
  /** The last entry's recorded hash. */
  head: string;
  /** Seqs inside the run whose parent is not the preceding entry (dangling or mismatched). */
  breaks: number[];
}

interface QfsReportBase {
  ok: boolean;
  /** Entries read (lines or index entries), including ones that failed. */
  events: number;
  failures: QfsFinding[];
  /** What the verdict does and does not prove, in plain words. Always present. */
  notes: string[];
  /** What the signatures prove about who wrote the data. */
  authenticity: string;
  /** The name the file was given, when known. */
  file?: string;
}

export type MockqpcEnv = 'dev' | 'beta' | 'mainnet';

export interface EvidenceBusReport extends QfsReportBase {
  format: 'evidencebus-v15';
  segments: QfsSegment[];
  /** The MOCKQPC environment every signature verifies under; null when none or several. */
  env: MockqpcEnv | null;
  /** How many signatures verified under each environment. */
  envCounts: Record<MockqpcEnv, number>;
  hashesVerified: number;
  signaturesVerified: number;
  /** Event type → count, sorted by type. */
  types: Record<string, number>;
}

export interface GovIndexReport extends QfsReportBase {
  format: 'gov-index-v15';
  start: string;
  head: string;
  hashesVerified: number;
  linksVerified: number;
  /** artifact_id → entry indexes that reference it, in order. */
  artifacts: Record<string, number[]>;
}

export interface PoeReport extends QfsReportBase {
  format: 'poe-v1';
  artifactId: string;
  proofHash: string;
  recomputed: string;
  scope: { parameterKey: string; epoch: number; cycle: number; phase: string } | null;
}

export interface CoherenceLedgerReport extends QfsReportBase {
  format: 'coherence-ledger-v13';
  segments: QfsSegment[];
  hashesVerified: number;
  linksVerified: number;
  /** Line numbers in replay order: (timestamp, entry_id), as LedgerEntry sorts. */
  replayOrder: number[];
  replayOrderMatchesFile: boolean;
}

export interface UnrecognisedReport extends QfsReportBase {
  format: 'unrecognised';
}

export type QfsReport = EvidenceBusReport | GovIndexReport | PoeReport | CoherenceLedgerReport | UnrecognisedReport;

/** Cross-check of one PoE artifact against the index entries that reference it. */
export interface QfsCrossCheck {
  artifactId: string;
  /** The artifact file's name and index file's name. */
  file: string;
  index: string;
  /** The artifact's current proof_hash (as recorded, if it verifies; else recomputed). */
  proofHash: string;
  /** Entry indexes whose proof_hash equals the artifact's current one. */
  matched: number[];
  /** Entry indexes that reference other (earlier) content of the artifact. */
  mismatched: number[];
  /** True when the last index entry for this artifact references its current content. */
  current: boolean;
}

export interface QfsSetReport {
  ok: boolean;
  format: 'qfs-set';
  files: QfsReport[];
  crossChecks: QfsCrossCheck[];
  /** Every failure of every file (with `file` set), then the cross-check failures. */
  failures: QfsFinding[];
  notes: string[];
}

/** Input limits. Bigger input is a 'qfs.limit' finding, not a crash or a hang. */
export const QFS_LIMITS = {
  fileBytes: 64 * 1024 * 1024,
  lineBytes: 1024 * 1024,
  /** Findings of one code kept per report; the rest are counted in one summary finding. */
  findingsPerCode: 1000
} as const;

export const MOCKQPC_NOTE =
  'integrity only: MOCKQPC keys derive from a public seed, so anyone can produce a valid signature; it proves the hash was not altered after signing, not who signed it';

/** Caps findings per code so a wholly broken file gives a readable report. */
export class FindingList {
  readonly items: QfsFinding[] = [];
  readonly #counts = new Map<QfsFindingCode, number>();

  add(seq: number | null, code: QfsFindingCode, message: string): void {
    const n = (this.#counts.get(code) ?? 0) + 1;
    this.#counts.set(code, n);
    if (n <= QFS_LIMITS.findingsPerCode) this.items.push({ seq, code, message });
  }

  /** The findings, with one trailing note per code that exceeded the cap. */
  done(): QfsFinding[] {
    const out = this.items.slice();
    for (const [code, n] of this.#counts) {
      if (n > QFS_LIMITS.findingsPerCode) out.push({ seq: null, code, message: `${n - QFS_LIMITS.findingsPerCode} more ${code} findings not listed` });
    }
    return out;
  }
}

/** A short form of a long hash for messages: any "algo:" prefix, 16 hex characters and an ellipsis. */
export function short(h: string): string {
  const colon = h.indexOf(':');
  const keep = (colon >= 0 && colon < 12 ? colon + 1 : 0) + 16;
  return h.length > keep + 4 ? h.slice(0, keep) + '…' : h;
}
