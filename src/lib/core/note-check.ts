// C2SP signed-note v1 and tlog-checkpoint v1 reading as the bundle verifier needs it
// (tlog-formats.md §1.1–§1.2; BUNDLE_FORMAT.md §5). Strict: valid UTF-8, no control characters but
// "\n", canonical base64, a final newline, the last blank line separates text from signatures.

import { fromBase64, fromUtf8, utf8 } from './bytes';
import { sha256 } from './hash';

export interface NoteSignatureLine {
  name: string;
  keyId: Uint8Array;
  /** The bytes after the 4-byte key ID. */
  payload: Uint8Array;
}
export interface ParsedNote {
  /** The signed text, final newline included. */
  text: string;
  signatures: NoteSignatureLine[];
}
export interface Vkey {
  text: string;
  name: string;
  id: Uint8Array;
  type: number;
  pub: Uint8Array;
}

const KEY_NAME = /^[^\s+]+$/u;

/** Parse a signed note; a string names what is malformed. */
export function parseNote(bytes: Uint8Array): ParsedNote | string {
  const s = fromUtf8(bytes);
  if (s === null) return 'not valid UTF-8';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f) return `control character U+${c.toString(16).padStart(4, '0')} at offset ${i}`;
  }
  if (!s.endsWith('\n')) return 'the note does not end with a newline';
  const split = s.lastIndexOf('\n\n');
  if (split < 0) return 'no blank line between text and signatures';
  const text = s.slice(0, split + 1);
  if (text.length === 0) return 'empty text';
  const lines = s.slice(split + 2, -1).split('\n');
  const signatures: NoteSignatureLine[] = [];
  for (const line of lines) {
    if (!line.startsWith('\u2014 ')) return `signature line ${JSON.stringify(line.slice(0, 40))} does not start with "— "`;
    const rest = line.slice(2);
    const sp = rest.lastIndexOf(' ');
    if (sp <= 0) return 'signature line without a key name';
    const name = rest.slice(0, sp);
    if (!KEY_NAME.test(name)) return `bad key name ${JSON.stringify(name)}`;
    const raw = fromBase64(rest.slice(sp + 1));
    if (raw === null || raw.length < 5) return `signature of ${name} is not canonical base64 of at least 5 bytes`;
    signatures.push({ name, keyId: raw.slice(0, 4), payload: raw.slice(4) });
  }
  if (signatures.length === 0) return 'no signature lines';
  return { text, signatures };
}

/** Signed-note key ID: SHA-256(name || 0x0A || type || pub)[:4]. */
export function noteKeyId(name: string, type: number, pub: Uint8Array): Uint8Array {
  const n = utf8(name);
  const b = new Uint8Array(n.length + 2 + pub.length);
  b.set(n, 0);
  b[n.length] = 0x0a;
  b[n.length + 1] = type;
  b.set(pub, n.length + 2);
  return sha256(b).subarray(0, 4);
}

/** Parse a vkey `name+hex8(id)+base64(type||pub)`; split on the first two '+' only. */
export function parseVkey(text: string): Vkey | string {
  const a = text.indexOf('+');
  const b = a < 0 ? -1 : text.indexOf('+', a + 1);
  if (a <= 0 || b < 0) return 'not of the form name+keyid+key';
  const name = text.slice(0, a);
  if (!KEY_NAME.test(name)) return `bad key name ${JSON.stringify(name)}`;
  const idHex = text.slice(a + 1, b);
  if (!/^[0-9a-f]{8}$/.test(idHex)) return 'key ID must be 8 lowercase hex digits';
  const raw = fromBase64(text.slice(b + 1));
  if (raw === null || raw.length !== 33) return 'key must be canonical base64 of a type byte and 32 bytes';
  const type = raw[0]!;
  if (type !== 0x01 && type !== 0x04) return `unsupported key type 0x${type.toString(16).padStart(2, '0')}`;
  const pub = raw.slice(1);
  const id = noteKeyId(name, type, pub);
  const want = Array.from(id, (x) => x.toString(16).padStart(2, '0')).join('');
  if (want !== idHex) return `key ID ${idHex} does not match the key (expected ${want})`;
  return { text, name, id, type, pub };
}

/** tlog-checkpoint body: origin, decimal size, base64 32-byte root; no extension lines in bundles. */
export function checkpointBody(text: string): { origin: string; size: number; root: Uint8Array } | string {
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== 3) return `a checkpoint body has 3 lines (origin, size, root); got ${lines.length}`;
  const [origin, size, root] = lines as [string, string, string];
  if (origin.length === 0) return 'empty origin';
  if (!/^(0|[1-9][0-9]{0,15})$/.test(size) || !Number.isSafeInteger(Number(size))) return `tree size ${JSON.stringify(size)} is not a decimal without leading zeros`;
  const r = fromBase64(root);
  if (r === null || r.length !== 32) return 'root is not canonical base64 of 32 bytes';
  return { origin, size: Number(size), root: r };
}
