// C2SP tlog-checkpoint v1.0.0 (https://c2sp.org/tlog-checkpoint; tlog-formats.md §1.2): the note
// text "origin\nsize\nbase64(root)\n[extension lines]". Parsed strictly: decimal size without
// leading zeros, canonical base64 of exactly 32 bytes, non-empty extension lines, and the empty
// root for size 0. The log's signature is checked with `openCheckpoint` (signed-note rules).

import { bytesEqual, fromBase64, toBase64 } from './bytes';
import { EMPTY_ROOT } from './merkle';
import { openNote, type NoteVerifier, type OpenReason, type OpenedNote, type Result } from './note';

export interface Checkpoint {
  origin: string;
  /** Tree size; sizes above 2^53 − 1 are rejected ('bad-size'). */
  size: number;
  root: Uint8Array;
  /** Extension lines (NOT RECOMMENDED by the spec; monitors cannot audit them). */
  extensions: string[];
  /** The exact note text, final newline included: the signed message and the cosigned body. */
  text: string;
}

export type CheckpointReason = 'syntax' | 'bad-origin' | 'origin-mismatch' | 'bad-size' | 'bad-root' | 'empty-root-mismatch' | 'bad-extension';

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A line may hold no control characters (signed-note: only "\n" separates lines). */
function isPlainLine(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) < 0x20) return false;
  return true;
}

const fail = (reason: CheckpointReason, message: string): { ok: false; reason: CheckpointReason; message: string } => ({ ok: false, reason, message });

/** Parse a checkpoint body (a note's text). `origin`, when given, must match exactly. */
export function parseCheckpoint(text: string, options: { origin?: string } = {}): Result<Checkpoint, CheckpointReason> {
  if (!text.endsWith('\n')) return fail('syntax', 'checkpoint text does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return fail('syntax', `checkpoint has ${lines.length} lines, needs at least 3`);
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin.length === 0) return fail('bad-origin', 'checkpoint origin line is empty');
  if (options.origin !== undefined && origin !== options.origin) {
    return fail('origin-mismatch', `checkpoint origin ${JSON.stringify(origin)} is not ${JSON.stringify(options.origin)}`);
  }
  if (!DECIMAL.test(sizeText)) return fail('bad-size', `tree size ${JSON.stringify(sizeText)} is not a decimal without leading zeros`);
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) return fail('bad-size', `tree size ${sizeText} exceeds 2^53 − 1`);
  const root = fromBase64(rootText);
  if (!root || root.length !== 32) return fail('bad-root', `root ${JSON.stringify(rootText)} is not canonical base64 of 32 bytes`);
  if (size === 0 && !bytesEqual(root, EMPTY_ROOT)) return fail('empty-root-mismatch', 'a size-0 checkpoint must carry SHA-256("")');
  const extensions = lines.slice(3);
  if (extensions.some((l) => l.length === 0)) return fail('bad-extension', 'checkpoint extension lines must be non-empty');
  return { ok: true, value: { origin, size, root, extensions, text } };
}

/** Format a checkpoint body. Throws TypeError on values that cannot form a valid checkpoint. */
export function formatCheckpoint(cp: { origin: string; size: number; root: Uint8Array; extensions?: readonly string[] }): string {
  if (cp.origin.length === 0 || !isPlainLine(cp.origin)) throw new TypeError('invalid checkpoint origin');
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) throw new RangeError(`invalid tree size ${cp.size}`);
  if (cp.root.length !== 32) throw new TypeError('checkpoint root must be 32 bytes');
  const ext = cp.extensions ?? [];
  if (ext.some((l) => l.length === 0 || !isPlainLine(l))) throw new TypeError('invalid extension line');
  return [cp.origin, String(cp.size), toBase64(cp.root), ...ext].join('\n') + '\n';
}

export interface OpenedCheckpoint {
  checkpoint: Checkpoint;
  note: OpenedNote;
}

export type OpenCheckpointReason = OpenReason | CheckpointReason;

/**
 * Open a signed checkpoint: signed-note rules with the given log verifier(s) (Go note.Open
 * semantics), then the body. The log key name need not equal the origin (sum.golang.org signs
 * "go.sum database tree"), so the expected origin is passed separately.
 */
export function openCheckpoint(
  note: string | Uint8Array,
  logVerifiers: readonly NoteVerifier[],
  options: { origin?: string } = {}
): Result<OpenedCheckpoint, OpenCheckpointReason> | Promise<Result<OpenedCheckpoint, OpenCheckpointReason>> {
  const finish = (r: Result<OpenedNote, OpenReason>): Result<OpenedCheckpoint, OpenCheckpointReason> => {
    if (!r.ok) return r;
    const cp = parseCheckpoint(r.value.text, options);
    if (!cp.ok) return cp;
    return { ok: true, value: { checkpoint: cp.value, note: r.value } };
  };
  const r = openNote(note, logVerifiers);
  return r instanceof Promise ? r.then(finish) : finish(r);
}
