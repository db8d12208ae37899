// Which QFS profile a file is, from its shape alone (the name is only quoted in messages: QFS file
// names are not reliable, e.g. three different files are all called evidence_chain.jsonl).
//
//   gov-index-v15         one JSON object with an "entries" array and chain_start_hash/chain_head_hash
//   poe-v1                one JSON object with "poe_version", or with artifact_id + proof_hash + replay_instructions
//   evidencebus-v15       JSON Lines whose records have "event", "hash" and "signature"
//   coherence-ledger-v13  JSON Lines whose records have "entry_hash" and "previous_hash" (+ entry_id or entry_type)
//
// A single document that is not valid JSON but carries a profile's distinctive keys is detected as
// that profile, which then reports 'qfs.syntax' with the line and column.
// A JSONL file with a single record (v13/ATLAS/evidence_chain.jsonl has one line and no newline)
// is also a single JSON document, so records are recognised in both readings. Up to the first
// DETECT_LINES non-blank lines are examined, so a damaged first line does not hide the profile;
// the profile's verifier then reports that line.

import type { PyJson } from '../canonical-json';
import { decodeText, isObject, lineColumn, parsePython } from './jsonl';
import type { QfsProfile } from './report';

const DETECT_LINES = 5;

export const PROFILE_SHAPES: Record<QfsProfile, string> = {
  'evidencebus-v15': 'JSON Lines of {event, hash, signature}',
  'coherence-ledger-v13': 'JSON Lines of {entry_id, timestamp, entry_type, data, previous_hash, entry_hash, …}',
  'gov-index-v15': 'a JSON object with entries[] and chain_start_hash / chain_head_hash',
  'poe-v1': 'a JSON object with poe_version and proof_hash'
};

export type Detection =
  | {
      ok: true;
      profile: QfsProfile;
      text: string;
      /** The parsed document for single-document profiles. */
      doc?: PyJson;
      /** Set instead of `doc` when a document profile's file is not valid JSON (with line and column). */
      syntaxError?: string;
    }
  | { ok: false; message: string; tried: QfsProfile[] };

function documentProfile(v: PyJson): QfsProfile | null {
  if (!isObject(v)) return null;
  if (Array.isArray(v['entries']) && ('chain_start_hash' in v || 'chain_head_hash' in v)) return 'gov-index-v15';
  if ('poe_version' in v || ('artifact_id' in v && 'proof_hash' in v && 'replay_instructions' in v)) return 'poe-v1';
  return null;
}

function recordProfile(v: PyJson): QfsProfile | null {
  if (!isObject(v)) return null;
  if ('event' in v && 'hash' in v && 'signature' in v) return 'evidencebus-v15';
  if ('entry_hash' in v && 'previous_hash' in v && ('entry_id' in v || 'entry_type' in v)) return 'coherence-ledger-v13';
  return null;
}

function describe(v: PyJson): string {
  if (isObject(v)) {
    const keys = Object.keys(v).sort();
    return `an object with keys ${keys.slice(0, 8).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 8 ? ', …' : ''}`;
  }
  return Array.isArray(v) ? 'an array' : `a ${v === null ? 'null' : typeof v}`;
}

/** Detects the profile of decoded text. */
export function detectText(text: string, name?: string): Detection {
  const tried = Object.keys(PROFILE_SHAPES) as QfsProfile[];
  const fail = (seen: string): Detection => ({
    ok: false,
    tried,
    message: `unrecognised QFS artifact${name ? ` ${JSON.stringify(name)}` : ''}: ${seen}. Tried ${tried.map((p) => `${p} (${PROFILE_SHAPES[p]})`).join('; ')}`
  });
  if (text.trim() === '') return fail('the file is empty');

  const whole = parsePython(text);
  if ('value' in whole) {
    const p = documentProfile(whole.value) ?? recordProfile(whole.value);
    if (p !== null) return { ok: true, profile: p, text, doc: whole.value };
    return fail(`it is one JSON document, ${describe(whole.value)}`);
  }

  let seen = 0;
  let lineNo = 0;
  let firstSeen = '';
  let start = 0;
  while (start < text.length && seen < DETECT_LINES) {
    lineNo++;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    seen++;
    const r = parsePython(raw);
    if (!('value' in r)) {
      if (firstSeen === '' && seen === 1 && 'error' in whole && /^\s*[{[]/.test(text)) {
        // A pretty-printed document (gov index, PoE) with an error: name the document's error.
        const at = whole.offset === null ? '' : (({ line: l, column }) => ` at line ${l}, column ${column}`)(lineColumn(text, whole.offset));
        firstSeen = `it is not valid JSON (${whole.error.replace(/ at offset \d+$/, '')}${at})`;
      }
      if (firstSeen === '') firstSeen = `line ${lineNo} is not JSON (${r.error})`;
      continue;
    }
    const p = recordProfile(r.value);
    if (p !== null) return { ok: true, profile: p, text };
    if (firstSeen === '') firstSeen = `its first record is ${describe(r.value)}`;
  }
  // A damaged pretty-printed document: recognise it by its distinctive keys so that its own
  // profile reports the syntax error (at a line and column) instead of "unrecognised".
  if ('error' in whole && /^\s*\{/.test(text)) {
    const p: QfsProfile | null = /"chain_start_hash"|"chain_head_hash"/.test(text) && /"entries"/.test(text) ? 'gov-index-v15' : /"poe_version"/.test(text) && /"proof_hash"/.test(text) ? 'poe-v1' : null;
    if (p !== null) {
      const at = whole.offset === null ? '' : (({ line: l, column }) => ` at line ${l}, column ${column}`)(lineColumn(text, whole.offset));
      return { ok: true, profile: p, text, syntaxError: `not valid JSON: ${whole.error.replace(/ at offset \d+$/, '')}${at}` };
    }
  }
  return fail(firstSeen || 'no JSON found');
}

/** Detects the profile of a file's bytes; undecodable bytes are unrecognised. */
export function detectProfile(bytes: Uint8Array, name?: string): Detection {
  const d = decodeText(bytes);
  if ('finding' in d) {
    return { ok: false, tried: Object.keys(PROFILE_SHAPES) as QfsProfile[], message: `unrecognised QFS artifact${name ? ` ${JSON.stringify(name)}` : ''}: ${d.finding.message}` };
  }
  return detectText(d.text, name);
}
