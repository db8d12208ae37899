// A display view of a C2SP signed note (tlog-formats.md, c2sp.org/signed-note): the body lines
// and one row per signature line "— <name> <base64(keyID || signature)>". Verification is done
// by core when the bundle is verified; this only lays the note out for the audit and proof pages,
// and marks each signature with the verdict core reached (the log's, and the cosigners it
// accepted). Text from the bundle stays text.
import { fromBase64, toHex } from '$lib/core/bytes';

export interface NoteSignatureView {
  name: string;
  /** Hex of the 4-byte key ID, or null when the line is malformed. */
  keyId: string | null;
  kind: 'log' | 'witness';
  verified: boolean;
  /** Cosignature timestamp (c2sp.org/tlog-cosignature: 8-byte big-endian seconds), if present. */
  timestamp?: number;
}

export interface NoteView {
  text: string;
  origin: string;
  size: number | null;
  root: string | null;
  signatures: NoteSignatureView[];
}

const SIG_LINE = /^\u2014 (\S+) (\S+)$/;

/**
 * `logVerified`: core accepted the log's signature on this checkpoint.
 * `cosigners`: the witness names whose cosignatures core verified.
 */
export function noteView(text: string, logVerified: boolean, cosigners: readonly string[]): NoteView {
  const split = text.indexOf('\n\n');
  const body = split >= 0 ? text.slice(0, split + 1) : text;
  const sigText = split >= 0 ? text.slice(split + 2) : '';
  const lines = body.split('\n');
  const origin = lines[0] ?? '';
  const size = lines[1] !== undefined && /^(0|[1-9][0-9]{0,15})$/.test(lines[1]) ? Number(lines[1]) : null;
  const rootBytes = lines[2] !== undefined ? fromBase64(lines[2]) : null;
  const signatures: NoteSignatureView[] = [];
  for (const line of sigText.split('\n')) {
    if (line === '') continue;
    const m = SIG_LINE.exec(line);
    if (!m) {
      signatures.push({ name: line.slice(0, 80), keyId: null, kind: 'witness', verified: false });
      continue;
    }
    const name = m[1]!;
    const raw = fromBase64(m[2]!);
    const kind = name === origin ? 'log' : 'witness';
    const view: NoteSignatureView = {
      name,
      keyId: raw && raw.length >= 4 ? toHex(raw.subarray(0, 4)) : null,
      kind,
      verified: kind === 'log' ? logVerified : cosigners.includes(name)
    };
    // Cosignature v1: keyID(4) || timestamp(8) || signature(64).
    if (kind === 'witness' && raw && raw.length === 76) {
      let t = 0;
      for (let i = 4; i < 12; i++) t = t * 256 + raw[i]!;
      if (Number.isSafeInteger(t)) view.timestamp = t;
    }
    signatures.push(view);
  }
  return { text, origin, size, root: rootBytes && rootBytes.length === 32 ? toHex(rootBytes) : null, signatures };
}
