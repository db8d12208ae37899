import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  MAX_NOTE_SIGNATURES,
  SIG_ED25519,
  ed25519NoteVerifier,
  formatNote,
  formatVkey,
  isValidKeyName,
  keyId,
  openNote,
  parseNote,
  parseVkey,
  signNoteLine,
  type NoteVerifier
} from '../../src/lib/core/note';
import { pureBackend } from '../../src/lib/core/ed25519';
import { utf8 } from '../../src/lib/core/bytes';

const seed = new Uint8Array(32).fill(3);
const pub = ed25519.getPublicKey(seed);
const NAME = 'example.org/log';
const ID = keyId(NAME, SIG_ED25519, pub);
const vk = parseVkey(formatVkey(NAME, SIG_ED25519, pub));
if (!vk.ok) throw new Error('vkey');
const verifier = ed25519NoteVerifier(vk.value, pureBackend);
const sign = (text: string, name = NAME, id = ID, s = seed): string => signNoteLine(name, id, ed25519.sign(utf8(text), s));
const TEXT = 'example.org/log\n3\nRcCI1Nk56ZcSmIEfIn0SleqtV7uvrlXNccFx595Iwl0=\n';
const NOTE = formatNote(TEXT, [sign(TEXT)]);

describe('key names and vkeys', () => {
  it('key name rules', () => {
    expect(isValidKeyName('sum.golang.org')).toBe(true);
    expect(isValidKeyName('')).toBe(false);
    expect(isValidKeyName('a b')).toBe(false);
    expect(isValidKeyName('a+b')).toBe(false);
    expect(isValidKeyName('a\u00a0b')).toBe(false);
    expect(isValidKeyName('a\u3000b')).toBe(false);
    expect(isValidKeyName('é.example')).toBe(true);
  });
  it('vkey round trip and strictness', () => {
    const s = formatVkey(NAME, SIG_ED25519, pub);
    const p = parseVkey(s);
    expect(p.ok && p.value.keyId).toBe(ID);
    expect(p.ok && formatVkey(p.value.name, p.value.type, p.value.key)).toBe(s);
    const [n, id, b] = s.split('+') as [string, string, string];
    expect(parseVkey(`${n}+${id.toUpperCase()}+${b}`).ok).toBe(false); // lower-case hex only
    expect(parseVkey(`${n}+${id}`).ok === false && 'syntax').toBe('syntax');
    expect((parseVkey(`other+${id}+${b}`) as { reason: string }).reason).toBe('key-id-mismatch');
  });
  it('formatters refuse misuse', () => {
    expect(() => formatVkey('a b', 1, pub)).toThrow(TypeError);
    expect(() => signNoteLine('a+b', 1, new Uint8Array(64))).toThrow(TypeError);
    expect(() => signNoteLine('a', -1, new Uint8Array(64))).toThrow(TypeError);
    expect(() => formatNote('no newline', ['— a AAAA\n'])).toThrow(TypeError);
    expect(() => formatNote('t\n', [])).toThrow(TypeError);
    expect(() => formatNote('t\n', ['not a line\n'])).toThrow(TypeError);
  });
});

describe('parseNote', () => {
  it('splits on the last blank line and returns the signed message', () => {
    const p = parseNote(NOTE);
    expect(p.ok && p.value.text).toBe(TEXT);
    expect(p.ok && p.value.signatures[0]!.keyId).toBe(ID);
    expect(p.ok && p.value.signatures[0]!.sig.length).toBe(64);
    expect(parseNote(utf8(NOTE)).ok).toBe(true);
  });
  it('names each structural failure', () => {
    const reason = (s: string | Uint8Array) => {
      const r = parseNote(s);
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason(NOTE.slice(0, -1))).toBe('no-final-newline');
    expect(reason(TEXT)).toBe('no-signatures');
    expect(reason(TEXT + '\n')).toBe('no-signatures');
    expect(reason('\r' + NOTE)).toBe('control-char');
    expect(reason(NOTE.replace('3\n', '3\t\n'))).toBe('control-char');
    expect(reason(Uint8Array.of(0xff, ...utf8(NOTE)))).toBe('not-utf8');
    expect(reason('\ud800' + NOTE)).toBe('not-utf8');
    expect(reason(NOTE + 'junk\n')).toBe('bad-signature-line');
    expect(reason(NOTE.replace('— ', '- '))).toBe('bad-signature-line');
    expect(reason(NOTE.replace(/=\n$/, '\n'))).toBe('bad-signature-line'); // unpadded base64
    expect(reason(TEXT + '\n— a AAAA\n')).toBe('bad-signature-line'); // fewer than 5 bytes
    expect(reason(TEXT + '\n' + sign(TEXT).repeat(MAX_NOTE_SIGNATURES + 1))).toBe('too-many-signatures');
    expect(reason('x'.repeat(70_000) + '\n\n' + sign('x'))).toBe('too-large');
  });
  it('non-canonical base64 (non-zero padding bits) is rejected', () => {
    const line = sign(TEXT);
    const b64 = line.trim().split(' ')[2]!; // 68 bytes: ends in "="
    const last = b64[b64.length - 2]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const bumped = alphabet[alphabet.indexOf(last) + 1]!; // sets a padding bit
    const bad = TEXT + '\n' + line.replace(b64, b64.slice(0, -2) + bumped + '=');
    expect(parseNote(bad).ok).toBe(false);
  });
});

describe('openNote (Go note.Open semantics)', () => {
  const other = new Uint8Array(32).fill(9);
  const otherPub = ed25519.getPublicKey(other);
  const otherVk = parseVkey(formatVkey('other', SIG_ED25519, otherPub));
  if (!otherVk.ok) throw new Error('vkey');
  const otherVerifier = ed25519NoteVerifier(otherVk.value, pureBackend);

  it('verifies, lists unknown lines, de-duplicates identical verified lines', async () => {
    const unknown = sign(TEXT, 'other', keyId('other', SIG_ED25519, otherPub), other);
    const note = formatNote(TEXT, [sign(TEXT), unknown, sign(TEXT)]);
    const r = await openNote(note, [verifier]);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.verified).toHaveLength(1);
      expect(r.value.unverified.map((s) => s.name)).toEqual(['other']);
    }
  });
  it('Go note.Open: only the first line of each known key is verified; later ones are dropped', async () => {
    const junk = sign('not the text\n');
    const validThenJunk = await openNote(formatNote(TEXT, [sign(TEXT), junk]), [verifier]);
    expect(validThenJunk.ok && validThenJunk.value.verified).toHaveLength(1);
    expect(await openNote(formatNote(TEXT, [junk, sign(TEXT)]), [verifier])).toMatchObject({ ok: false, reason: 'invalid-signature' });
  });
  it('a line counts only when name AND key ID match', async () => {
    const wrongName = formatNote(TEXT, [sign(TEXT, 'example.org/other')]);
    expect(await openNote(wrongName, [verifier])).toMatchObject({ ok: false, reason: 'no-verified-signature' });
    const wrongId = formatNote(TEXT, [sign(TEXT, NAME, (ID ^ 1) >>> 0)]);
    expect(await openNote(wrongId, [verifier])).toMatchObject({ ok: false, reason: 'no-verified-signature' });
  });
  it('a known key whose signature fails rejects the note even if another known key verifies', async () => {
    const badLine = sign('something else\n');
    const note = formatNote(TEXT, [sign(TEXT, 'other', keyId('other', SIG_ED25519, otherPub), other), badLine]);
    expect(await openNote(note, [verifier, otherVerifier])).toMatchObject({ ok: false, reason: 'invalid-signature', key: { name: NAME, keyId: ID } });
  });
  it('works with async verifiers and treats a throwing verifier as a failed signature', async () => {
    const asyncV: NoteVerifier = { name: NAME, keyId: ID, verify: (m, s) => Promise.resolve(verifier.verify(m, s) as boolean) };
    const p = openNote(NOTE, [asyncV]);
    expect(p).toBeInstanceOf(Promise);
    expect((await p).ok).toBe(true);
    expect(openNote(NOTE, [verifier])).toMatchObject({ ok: true });
    const throws: NoteVerifier = { name: NAME, keyId: ID, verify: () => { throw new Error('x'); } };
    expect(openNote(NOTE, [throws])).toMatchObject({ ok: false, reason: 'invalid-signature' });
  });
  it('property: any single-byte change to a signed note is never accepted with a different text', () => {
    const bytes = utf8(NOTE);
    fc.assert(
      fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const b = bytes.slice();
        b[at] = (b[at]! + delta) & 255;
        const r = openNote(b, [verifier]);
        if (!(r instanceof Promise) && r.ok) {
          // Only a change inside the signature line's unknown-ignorable parts could survive; the
          // text and the verified signature must then be exactly the original ones.
          expect(r.value.text).toBe(TEXT);
        }
        // The text part can never change and still verify.
        if (at < utf8(TEXT).length) expect(!(r instanceof Promise) && r.ok).toBe(false);
      }),
      { numRuns: 500 }
    );
  });
});

describe('note size limit counts UTF-8 bytes', () => {
  it('a string note under the limit in UTF-16 units but over it in bytes is too large', () => {
    const text = 'é'.repeat(40_000) + '\n'; // 40,001 code units, 80,001 bytes
    const r = parseNote(text + '\n' + signNoteLine('a', 1, new Uint8Array(64)));
    expect(r.ok === false && r.reason).toBe('too-large');
  });
});
