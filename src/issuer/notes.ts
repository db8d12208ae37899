// The issuer's side of signed notes (C2SP signed-note, tlog-checkpoint, tlog-cosignature/v1;
// docs/BUNDLE_FORMAT.md §5): the checkpoint, the operator's signature line and witness
// cosignature lines, and the vkeys that go into the trust policy. Formatting comes from core
// (note.ts, checkpoint.ts, cosignature.ts); only the signing is the issuer's.

import { formatCheckpoint } from '../lib/core/checkpoint';
import { cosignatureMessage, formatCosignatureLine } from '../lib/core/cosignature';
import { utf8 as utf8Text } from '../lib/core/bytes';
import { formatNote, formatVkey, keyId, signNoteLine, SIG_COSIGNATURE_V1, SIG_ED25519 } from '../lib/core/note';
import type { IssuerKey } from './keys';

export { SIG_COSIGNATURE_V1, SIG_ED25519 };

/** vkey = name + "+" + hex8(keyID) + "+" + base64(type || pub). */
export function vkeyOf(key: IssuerKey, type: number): string {
  return formatVkey(key.name, type, key.pub);
}

/** tlog-checkpoint body: origin, size, base64 root. */
export function checkpointText(origin: string, size: number, root: Uint8Array): string {
  return formatCheckpoint({ origin, size, root });
}

/** The operator's signed-note line (type 0x01) over `text`. */
export function signatureLine(key: IssuerKey, text: string): string {
  return signNoteLine(key.name, keyId(key.name, SIG_ED25519, key.pub), key.sign(utf8Text(text)));
}

/** A witness's cosignature/v1 line over `text` at `time` (POSIX seconds). */
export function cosignatureLine(key: IssuerKey, text: string, time: number): string {
  const ts = BigInt(time);
  return formatCosignatureLine(key.name, key.pub, ts, key.sign(cosignatureMessage(text, ts)));
}

/** The whole note as UTF-8 bytes (the em dash is not ASCII). */
export function noteBytes(text: string, lines: string[]): Uint8Array {
  return utf8Text(formatNote(text, lines));
}
