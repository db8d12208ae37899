// C2SP signed-note v1.0.0 (https://c2sp.org/signed-note; tlog-formats.md §1.1): strict parsing,
// verifier keys, key IDs and Go `note.Open` semantics. Bad input is data ({ ok: false, reason }),
// never an exception (STYLE.md 6); misuse of the formatting helpers throws TypeError.
//
//   note      = text "\n" 1*sigline            (the LAST blank line separates; text ends in "\n")
//   sigline   = "— " name " " base64(keyID[4] || signature) "\n"
//   vkey      = name "+" hex8(keyID) "+" base64(type || public key)
//   keyID     = SHA-256(name || 0x0A || type || public key)[:4], big-endian uint32

import { concatBytes, fromBase64, fromHex, fromUtf8, toBase64, utf8 } from './bytes';
import { verify as verifyEd25519, type Ed25519Backend } from './ed25519';
import { sha256 } from './hash';
import { LIMITS } from './types';

/** Signature types (signed-note §"Signature types"). */
export const SIG_ED25519 = 0x01;
export const SIG_COSIGNATURE_V1 = 0x04;

/** Go note.Open caps a note at 100 signature lines; C2SP requires accepting at least 16. */
export const MAX_NOTE_SIGNATURES = LIMITS.noteSignatures;

const EM_DASH_PREFIX = '\u2014 ';
// Go unicode.IsSpace: ASCII white space, U+0085, U+00A0 and the Unicode Zs/Zl/Zp spaces.
const SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

/**
 * Success or a failure as data. `key` names the verifier key whose signature failed (reason
 * 'invalid-signature'), so callers can tell a bad log signature from a bad cosignature.
 */
export type Result<T, R extends string = string> = { ok: true; value: T } | { ok: false; reason: R; message: string; key?: { name: string; keyId: number } };

const fail = <R extends string>(reason: R, message: string): { ok: false; reason: R; message: string } => ({ ok: false, reason, message });

/** A key name: non-empty, no Unicode space, no '+' (signed-note §"Signed notes"). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !SPACE.test(name) && !name.includes('+') && fromUtf8(utf8(name)) === name;
}

/** keyID = SHA-256(name || 0x0A || type || key)[:4] as a big-endian uint32. */
export function keyId(name: string, type: number, pub: Uint8Array): number {
  const h = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), pub));
  return ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
}

export const keyIdHex = (id: number): string => id.toString(16).padStart(8, '0');

function keyIdBytes(id: number): Uint8Array {
  return Uint8Array.of(id >>> 24, (id >>> 16) & 255, (id >>> 8) & 255, id & 255);
}

// ---------------------------------------------------------------------------------------------
// Verifier keys

export interface Vkey {
  name: string;
  keyId: number;
  type: number;
  /** The public key without its type byte (32 bytes for types 0x01 and 0x04). */
  key: Uint8Array;
}

export type VkeyReason = 'syntax' | 'bad-name' | 'bad-key-id' | 'bad-base64' | 'unsupported-type' | 'bad-key-length' | 'key-id-mismatch';

/**
 * Parse `name+hex8(id)+base64(type||key)`, splitting on the first two '+' only (the base64 part may
 * contain '+'). The key ID is recomputed and compared. Only Ed25519 (0x01) and cosignature/v1
 * (0x04) keys are supported; hex must be lower case and base64 canonical (re-encoded and compared).
 */
export function parseVkey(s: string): Result<Vkey, VkeyReason> {
  const a = s.indexOf('+');
  const b = a < 0 ? -1 : s.indexOf('+', a + 1);
  if (a < 0 || b < 0) return fail('syntax', `verifier key ${JSON.stringify(s)} is not name+keyid+key`);
  const name = s.slice(0, a);
  const idHex = s.slice(a + 1, b);
  const body = s.slice(b + 1);
  if (!isValidKeyName(name)) return fail('bad-name', `invalid key name ${JSON.stringify(name)}`);
  const idBytes = idHex.length === 8 ? fromHex(idHex) : null;
  if (!idBytes) return fail('bad-key-id', `key ID ${JSON.stringify(idHex)} is not 8 lower-case hex digits`);
  const raw = fromBase64(body);
  if (!raw || raw.length === 0) return fail('bad-base64', `key ${JSON.stringify(body)} is not canonical base64`);
  const type = raw[0]!;
  if (type !== SIG_ED25519 && type !== SIG_COSIGNATURE_V1) return fail('unsupported-type', `unsupported signature type 0x${type.toString(16).padStart(2, '0')}`);
  const key = raw.subarray(1);
  if (key.length !== 32) return fail('bad-key-length', `Ed25519 key must be 32 bytes, got ${key.length}`);
  const id = ((idBytes[0]! << 24) | (idBytes[1]! << 16) | (idBytes[2]! << 8) | idBytes[3]!) >>> 0;
  const want = keyId(name, type, key);
  if (id !== want) return fail('key-id-mismatch', `key ID ${idHex} does not match the key (expected ${keyIdHex(want)})`);
  return { ok: true, value: { name, keyId: id, type, key: key.slice() } };
}

export function formatVkey(name: string, type: number, pub: Uint8Array): string {
  if (!isValidKeyName(name)) throw new TypeError(`invalid key name ${JSON.stringify(name)}`);
  if (!Number.isInteger(type) || type < 0 || type > 255) throw new TypeError('signature type must be a byte');
  return `${name}+${keyIdHex(keyId(name, type, pub))}+${toBase64(concatBytes(Uint8Array.of(type), pub))}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing and formatting

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the 4-byte key ID (type-specific: 64 for Ed25519, 72 for cosignature/v1). */
  sig: Uint8Array;
  /** The signature line without its final newline. */
  line: string;
}

export interface ParsedNote {
  /** The signed text, final newline included, separator excluded. */
  text: string;
  /** UTF-8 of `text`: the signed message. */
  message: Uint8Array;
  signatures: NoteSignature[];
}

export type NoteReason = 'too-large' | 'not-utf8' | 'control-char' | 'no-final-newline' | 'no-signatures' | 'bad-signature-line' | 'too-many-signatures';

/** Strict structural parse (no signature is checked). Accepts the note as bytes or as a string. */
export function parseNote(input: string | Uint8Array, maxBytes: number = LIMITS.noteBytes): Result<ParsedNote, NoteReason> {
  let note: string;
  if (typeof input === 'string') {
    if (input.length > maxBytes) return fail('too-large', `note is larger than ${maxBytes} bytes`);
    const bytes = utf8(input);
    if (bytes.length > maxBytes) return fail('too-large', `note is larger than ${maxBytes} bytes`);
    if (fromUtf8(bytes) !== input) return fail('not-utf8', 'note contains a lone surrogate');
    note = input;
  } else {
    if (input.length > maxBytes) return fail('too-large', `note is larger than ${maxBytes} bytes`);
    const s = fromUtf8(input);
    if (s === null) return fail('not-utf8', 'note is not valid UTF-8');
    note = s;
  }
  for (let i = 0; i < note.length; i++) {
    const c = note.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return fail('control-char', `control character U+${c.toString(16).padStart(4, '0')} at offset ${i}`);
  }
  if (!note.endsWith('\n')) return fail('no-final-newline', 'note does not end with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return fail('no-signatures', 'note has no blank line before signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0) return fail('no-signatures', 'note has no signature lines');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) return fail('too-many-signatures', `note has ${lines.length} signature lines (at most ${MAX_NOTE_SIGNATURES})`);
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    if (!line.startsWith(EM_DASH_PREFIX)) return fail('bad-signature-line', `line ${JSON.stringify(line.slice(0, 80))} is not a signature line`);
    const rest = line.slice(EM_DASH_PREFIX.length);
    const sp = rest.indexOf(' ');
    if (sp < 0) return fail('bad-signature-line', 'signature line has no space after the key name');
    const name = rest.slice(0, sp);
    const raw = fromBase64(rest.slice(sp + 1));
    if (!isValidKeyName(name)) return fail('bad-signature-line', `invalid key name ${JSON.stringify(name)}`);
    if (!raw || raw.length < 5) return fail('bad-signature-line', `signature of ${name} is not canonical base64 of a key ID and a signature`);
    const id = ((raw[0]! << 24) | (raw[1]! << 16) | (raw[2]! << 8) | raw[3]!) >>> 0;
    signatures.push({ name, keyId: id, sig: raw.slice(4), line });
  }
  return { ok: true, value: { text, message: utf8(text), signatures } };
}

/** `— name base64(keyID || sig)\n`: formatting only (the caller signs). */
export function signNoteLine(name: string, id: number, sig: Uint8Array): string {
  if (!isValidKeyName(name)) throw new TypeError(`invalid key name ${JSON.stringify(name)}`);
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new TypeError('key ID must be a uint32');
  return `${EM_DASH_PREFIX}${name} ${toBase64(concatBytes(keyIdBytes(id), sig))}\n`;
}

/** text + "\n" + signature lines. The text must be a valid note text ending in "\n". */
export function formatNote(text: string, sigLines: readonly string[]): string {
  if (!text.endsWith('\n') || text.length === 0) throw new TypeError('note text must end with a newline');
  if (sigLines.length === 0) throw new TypeError('a note needs at least one signature line');
  for (const l of sigLines) if (!l.startsWith(EM_DASH_PREFIX) || !l.endsWith('\n') || l.indexOf('\n') !== l.length - 1) throw new TypeError('not a signature line');
  return text + '\n' + sigLines.join('');
}

// ---------------------------------------------------------------------------------------------
// Opening (Go golang.org/x/mod/sumdb/note Open semantics)

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Checks `sig` (the bytes after the key ID) over `msg` (the note text). */
  verify(msg: Uint8Array, sig: Uint8Array): boolean | Promise<boolean>;
}

/** A verifier for a plain Ed25519 note signature (type 0x01) under the acceptance rule. */
export function ed25519NoteVerifier(vkey: Vkey, backend: Ed25519Backend): NoteVerifier {
  if (vkey.type !== SIG_ED25519) throw new TypeError('ed25519NoteVerifier needs a type 0x01 key');
  return {
    name: vkey.name,
    keyId: vkey.keyId,
    verify: (msg, sig) => sig.length === 64 && verifyEd25519(backend, vkey.key, msg, sig)
  };
}

export interface OpenedNote extends ParsedNote {
  /** Signatures from known keys that verified: the first line of each known key. */
  verified: (NoteSignature & { verifier: NoteVerifier })[];
  /** Lines whose (name, key ID) matches no verifier: ignored. */
  unverified: NoteSignature[];
}

export type OpenReason = NoteReason | 'invalid-signature' | 'no-verified-signature';

/**
 * Open a note with Go golang.org/x/mod/sumdb/note Open semantics: a line counts only if its name
 * AND key ID match a verifier; the first line of each known key is verified and later lines of
 * that key are dropped; a known key whose (first) signature fails rejects the note; at least one
 * known signature must verify. Synchronous when every verifier is.
 */
export function openNote(note: string | Uint8Array, verifiers: readonly NoteVerifier[]): Result<OpenedNote, OpenReason> | Promise<Result<OpenedNote, OpenReason>> {
  const parsed = parseNote(note);
  if (!parsed.ok) return parsed;
  const n = parsed.value;
  const byKey = new Map<string, NoteVerifier>();
  for (const v of verifiers) byKey.set(`${v.keyId}:${v.name}`, v);
  const known: { s: NoteSignature; v: NoteVerifier }[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const s of n.signatures) {
    const id = `${s.keyId}:${s.name}`;
    const v = byKey.get(id);
    if (!v) {
      if (!unverified.some((u) => u.line === s.line)) unverified.push(s);
    } else if (!seen.has(id)) {
      // As Go's note.Open: only the first line of each known key is verified; later lines by the
      // same key are dropped unchecked ("Drop repeated signatures by a single verifier").
      seen.add(id);
      known.push({ s, v });
    }
  }
  const answers = known.map(({ s, v }) => {
    try {
      return v.verify(n.message, s.sig);
    } catch {
      return false;
    }
  });
  const finish = (results: boolean[]): Result<OpenedNote, OpenReason> => {
    const verified: OpenedNote['verified'] = [];
    for (let i = 0; i < known.length; i++) {
      const { s, v } = known[i]!;
      if (results[i] !== true) {
        return { ...fail('invalid-signature' as const, `invalid signature for key ${v.name}+${keyIdHex(v.keyId)}`), key: { name: v.name, keyId: v.keyId } };
      }
      verified.push({ ...s, verifier: v });
    }
    if (verified.length === 0) return fail('no-verified-signature', 'note has no verifiable signatures');
    return { ok: true, value: { ...n, verified, unverified } };
  };
  if (answers.every((a) => typeof a === 'boolean')) return finish(answers as boolean[]);
  return Promise.all(answers.map((a) => Promise.resolve(a).catch(() => false))).then(finish);
}
