// The issuer's side of signed notes (C2SP signed-note, tlog-checkpoint, tlog-cosignature/v1;
// docs/BUNDLE_FORMAT.md §5): checkpoint text, the operator's signature line and witness
// cosignature lines, and the vkeys that go into the trust policy.

import { concatBytes, toBase64, u64be } from '../lib/core/bytes';
import { asciiBytes } from '../lib/core/canonical-json';
import { sha256 } from '../lib/core/hash';
import type { IssuerKey } from './keys';

export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;

/** C2SP signed-note key ID: SHA-256(name || 0x0A || type || pub)[:4]. */
export function noteKeyId(name: string, type: number, pub: Uint8Array): Uint8Array {
  return sha256(concatBytes(asciiBytes(name), new Uint8Array([0x0a, type]), pub)).subarray(0, 4);
}

/** vkey = name + "+" + hex8(keyID) + "+" + base64(type || pub). */
export function vkeyOf(key: IssuerKey, type: number): string {
  const id = noteKeyId(key.name, type, key.pub);
  const hex = Array.from(id, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${key.name}+${hex}+${toBase64(concatBytes(new Uint8Array([type]), key.pub))}`;
}

/** tlog-checkpoint body: origin, size, base64 root, each ending in a newline. */
export function checkpointText(origin: string, size: number, root: Uint8Array): string {
  return `${origin}\n${size}\n${toBase64(root)}\n`;
}

/** A signed-note signature line by `key` (type 0x01) over `text`. */
export function signatureLine(key: IssuerKey, text: string): string {
  const sig = key.sign(asciiBytes(text));
  return `\u2014 ${key.name} ${toBase64(concatBytes(noteKeyId(key.name, SIG_ED25519, key.pub), sig))}\n`;
}

/** A cosignature/v1 line: keyID || u64be(time) || sig over "cosignature/v1\ntime <t>\n" || text. */
export function cosignatureLine(key: IssuerKey, text: string, time: number): string {
  const sig = key.sign(asciiBytes(`cosignature/v1\ntime ${time}\n${text}`));
  return `\u2014 ${key.name} ${toBase64(concatBytes(noteKeyId(key.name, SIG_COSIGNATURE_V1, key.pub), u64be(time), sig))}\n`;
}

/** The whole note: text, blank line, signature lines (UTF-8: the em dash is not ASCII). */
export function noteBytes(text: string, lines: string[]): Uint8Array {
  return new TextEncoder().encode(`${text}\n${lines.join('')}`);
}
