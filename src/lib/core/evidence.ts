// The ledger evidence behind an Explain-This (docs/ATLAS_EXPLAINABILITY_ARCH.md §4): for the
// recorded event an explanation rests on, whether its signature verified and by whom it was signed,
// and its RFC 9162 §2.1.3 inclusion proof against the newest verified checkpoint, checked here with
// verifyInclusion. One implementation for the CLI (`atlas explain`) and the app's worker: the caller
// holds the bytes (a file, a cache, the network) and passes a reader; this module does no I/O.

import { fromUtf8, toHex } from './bytes';
import type { Evidence } from './economy/explain';
import type { CheckpointRecord, EventIndex, FileReader } from './event-index';
import { verifyInclusion } from './merkle';
import type { Finding } from './types';

export interface EvidenceSource {
  /** The run's findings (audit mode lists every one; stop mode at most the first). */
  failures: readonly Finding[];
  index: EventIndex;
  /** The exact log entry bytes of `seq`, re-read from wherever the bundle lives. */
  entry(seq: number): Promise<Uint8Array>;
  /** A bundle file, for the entries an inclusion proof re-reads (EventIndex.inclusion). */
  read(path: string): Promise<Uint8Array>;
}

/**
 * The EvidenceSource of a verified run: entries and proofs re-read from `source`, the last file read
 * kept, so that an event's entry and the block its proof re-reads come from one read of its segment.
 */
export function evidenceSource(failures: readonly Finding[], index: EventIndex, source: FileReader): EvidenceSource {
  let last: { path: string; bytes: Promise<Uint8Array> } | null = null;
  const read = (path: string): Promise<Uint8Array> => {
    if (last?.path !== path) last = { path, bytes: source.read(path) };
    return last.bytes;
  };
  return { failures, index, read, entry: (seq) => index.entry({ read }, seq) };
}

/** A finding at the event's seq that is about its signature or its signer (BUNDLE_FORMAT.md §7, §9.2). */
const isSignatureFinding = (f: Finding, seq: number): boolean => f.seq === seq && (f.code.startsWith('sig.') || f.code.startsWith('signer.'));

/**
 * The newest checkpoint whose tree contains `seq` and that verified: no `checkpoint.*` or
 * `witness.*` finding names its file (BUNDLE_FORMAT.md §5.2). A note that failed is still in the
 * index (its size and our own root), but it vouches for nothing.
 */
function newestVerifiedCheckpoint(src: EvidenceSource, seq: number): CheckpointRecord | null {
  // By file and seq (= size − 1): the notes of a pack (§6.1) share their file.
  const failed = new Set<string>();
  for (const f of src.failures) if (f.file !== undefined && (f.code.startsWith('checkpoint.') || f.code.startsWith('witness.'))) failed.add(`${f.seq} ${f.file}`);
  return src.index.newestCheckpointCovering(seq, (cp) => !failed.has(`${cp.size - 1} ${cp.path}`));
}

/** Who the entry says signed it; empty when the entry cannot be read or parsed (the findings say why). */
async function signerOf(src: EvidenceSource, seq: number): Promise<{ signer: string; key: string }> {
  try {
    const text = fromUtf8(await src.entry(seq));
    const env = text === null ? null : (JSON.parse(text) as { signer?: unknown; key?: unknown } | null);
    return { signer: typeof env?.signer === 'string' ? env.signer : '', key: typeof env?.key === 'string' ? env.key : '' };
  } catch {
    return { signer: '', key: '' };
  }
}

/**
 * Signature status and inclusion proof of the event at `seq`. The signature counts as verified when
 * the event was read in order and no `sig.*` or `signer.*` finding names its seq. `inclusion` is null
 * when no verified checkpoint covers the event; `signature` is null when the event is not in the
 * verified log at all.
 */
export async function evidenceFor(src: EvidenceSource, seq: number): Promise<Evidence> {
  if (!Number.isSafeInteger(seq) || seq < 0 || seq >= src.index.size) return { signature: null, inclusion: null };
  const { signer, key } = await signerOf(src, seq);
  const valid = !src.failures.some((f) => isSignatureFinding(f, seq));
  const cp = newestVerifiedCheckpoint(src, seq);
  let inclusion: Evidence['inclusion'] = null;
  if (cp) {
    const { leaf, proof } = await src.index.inclusion(src, seq, cp.size);
    inclusion = {
      checkpointSize: cp.size,
      checkpointRoot: toHex(cp.root),
      leafIndex: seq,
      proof: proof.map((p) => toHex(p)),
      valid: verifyInclusion(seq, cp.size, leaf, proof, cp.root)
    };
  }
  return { signature: { valid, signer, key }, inclusion };
}

/** The explanation with `evidence` attached for its recorded event (unchanged when it has none). */
export async function withEvidence<T extends { seq: number | null; evidence: Evidence | null }>(x: T, src: EvidenceSource): Promise<T> {
  if (x.seq !== null) x.evidence = await evidenceFor(src, x.seq);
  return x;
}
