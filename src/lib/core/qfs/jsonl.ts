// Reading QFS files: strict UTF-8, then JSON Lines or one JSON document, parsed in python mode so
// that floats and big integers re-serialise exactly as Python wrote them (canonical-json.ts).
// QFS writes JSONL with json.dumps default separators (", " and ": "), so line bytes are never the
// hashed bytes: every profile re-canonicalises the parsed value before hashing (qfs-domain.md §1.1).

import { CanonicalJsonError, parseStrict, PyFloat, type PyJson } from '../canonical-json';
import { fromUtf8 } from '../bytes';
import { QFS_LIMITS, type QfsFinding } from './report';

export type PyObject = { [key: string]: PyJson };

export function isObject(v: PyJson | undefined): v is PyObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyFloat);
}

export function isString(v: PyJson | undefined): v is string {
  return typeof v === 'string';
}

/** An integer as Python sees it (number within ±(2^53−1) or bigint beyond). */
export function isInt(v: PyJson | undefined): v is number | bigint {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
}

/** The text of a QFS file, or the file-level finding that stops reading it. */
export function decodeText(bytes: Uint8Array): { text: string } | { finding: QfsFinding } {
  if (bytes.length > QFS_LIMITS.fileBytes) {
    return { finding: { seq: null, code: 'qfs.limit', message: `file is ${bytes.length} bytes; the limit is ${QFS_LIMITS.fileBytes}` } };
  }
  const text = fromUtf8(bytes);
  if (text === null) return { finding: { seq: null, code: 'qfs.encoding', message: 'file is not valid UTF-8' } };
  // Python does not write a BOM; tolerate one from editors rather than failing line 1.
  return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

export interface JsonlLine {
  /** 1-based line number in the file. */
  line: number;
  /** The parsed value, or null when the line failed (see `error`). */
  value: PyJson | null;
  error?: QfsFinding;
}

/** Parses one JSON document in python mode; a CanonicalJsonError becomes a message. */
export function parsePython(text: string): { value: PyJson } | { error: string; offset: number | null } {
  try {
    return { value: parseStrict(text, { mode: 'python' }) };
  } catch (e) {
    if (e instanceof CanonicalJsonError) return { error: e.message, offset: e.offset ?? null };
    throw e;
  }
}

/** 1-based line and column of a character offset, for messages about multi-line documents. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Splits JSON Lines (LF or CRLF; a missing final newline is fine) and parses each non-blank line.
 * Blank lines are skipped but keep their number, so `line` is always the editor's line number.
 */
export function readJsonl(text: string): JsonlLine[] {
  const out: JsonlLine[] = [];
  let start = 0;
  let line = 0;
  while (start < text.length) {
    line++;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let raw = text.slice(start, end);
    start = end + 1;
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.trim() === '') continue;
    if (raw.length > QFS_LIMITS.lineBytes) {
      out.push({ line, value: null, error: { seq: line, code: 'qfs.limit', message: `line ${line} is ${raw.length} characters; the limit is ${QFS_LIMITS.lineBytes}` } });
      continue;
    }
    const r = parsePython(raw);
    if ('error' in r) out.push({ line, value: null, error: { seq: line, code: 'qfs.syntax', message: `line ${line}: ${r.error}` } });
    else out.push({ line, value: r.value });
  }
  return out;
}
