// Editing signed checkpoint notes for the tamper library. Layout (C2SP signed-note v1,
// tlog-checkpoint v1, tlog-cosignature v1; tlog-formats.md §1.1–§1.3):
//   text = origin \n size \n base64(root) \n [extension lines]
//   note = text \n ("— " name " " base64(keyID[4] || sig) \n)+
// An operator signature line carries 4 + 64 bytes; a cosignature/v1 line 4 + 8 (timestamp) + 64,
// over "cosignature/v1\ntime <ts>\n" || text.

import { concatBytes, fromBase64, toBase64, utf8 } from '../../lib/core/bytes';
import { KeyRing, signBytes } from './signing';

const DASH = '\u2014 ';

export interface NoteSignature {
  name: string;
  /** keyID || signature (and, for cosignatures, keyID || timestamp || signature). */
  blob: Uint8Array;
}

export interface ParsedNote {
  text: string;
  origin: string;
  size: number;
  root: Uint8Array;
  signatures: NoteSignature[];
}

/** Parse a checkpoint note written by our own issuer (input is trusted to be well formed). */
export function parseNote(note: string): ParsedNote {
  const cut = note.lastIndexOf('\n\n');
  if (cut < 0 || !note.endsWith('\n')) throw new TypeError('not a signed note');
  const text = note.slice(0, cut + 1);
  const lines = text.split('\n');
  const root = fromBase64(lines[2] ?? '');
  if (!root || root.length !== 32) throw new TypeError('checkpoint root line is not base64 of 32 bytes');
  const signatures = note
    .slice(cut + 2, -1)
    .split('\n')
    .map((l) => {
      if (!l.startsWith(DASH)) throw new TypeError(`bad signature line ${JSON.stringify(l)}`);
      const [name, b64] = l.slice(DASH.length).split(' ');
      const blob = fromBase64(b64 ?? '');
      if (!name || !blob) throw new TypeError(`bad signature line ${JSON.stringify(l)}`);
      return { name, blob };
    });
  return { text, origin: lines[0]!, size: Number(lines[1]), root, signatures };
}

export function formatNote(n: { text: string; signatures: NoteSignature[] }): string {
  return n.text + '\n' + n.signatures.map((s) => `${DASH}${s.name} ${toBase64(s.blob)}\n`).join('');
}

/** The checkpoint text with a different root (origin, size and extension lines kept). */
export function withRoot(text: string, root: Uint8Array): string {
  const lines = text.split('\n');
  lines[2] = toBase64(root);
  return lines.join('\n');
}

/**
 * Re-sign every signature line we hold a key for over `text`: the operator's (68-byte blob) and
 * each witness's cosignature (76-byte blob, keeping its timestamp). Returns how many were re-signed.
 */
export function resignNote(sigs: NoteSignature[], text: string, ring: KeyRing): number {
  let n = 0;
  for (const s of sigs) {
    const keyId = s.blob.subarray(0, 4);
    if (s.blob.length === 68) {
      const secret = ring.secretForNoteKey(s.name, 0x01, keyId);
      if (!secret) continue;
      s.blob = concatBytes(keyId, signBytes(utf8(text), secret));
      n++;
    } else if (s.blob.length === 76) {
      const secret = ring.secretForNoteKey(s.name, 0x04, keyId);
      if (!secret) continue;
      const ts = s.blob.subarray(4, 12);
      let t = 0n;
      for (const b of ts) t = (t << 8n) | BigInt(b);
      const msg = utf8(`cosignature/v1\ntime ${t}\n${text}`);
      s.blob = concatBytes(keyId, ts, signBytes(msg, secret));
      n++;
    }
  }
  return n;
}
