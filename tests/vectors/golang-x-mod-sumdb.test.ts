// golang.org/x/mod sumdb/note vectors (tests/vectors/golang-x-mod-sumdb/README.md): keys, vkeys,
// signed notes, Open cases, malformed notes, bad verifier keys, and the tree-note body format.
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { b64, hex, readJson } from './load';
import { ed25519NoteVerifier, formatNote, formatVkey, keyId, keyIdHex, openNote, parseNote, parseVkey, signNoteLine, SIG_ED25519, type NoteVerifier } from '../../src/lib/core/note';
import { parseCheckpoint } from '../../src/lib/core/checkpoint';
import { leafHash } from '../../src/lib/core/merkle';
import { pureBackend } from '../../src/lib/core/ed25519';
import { createNodeBackend } from '../../src/cli/ed25519-node';
import { toBase64, utf8 } from '../../src/lib/core/bytes';

interface Key { vkey: string; skey?: string; ed25519SeedHex: string; ed25519PublicKeyHex: string; keyId: string }
interface V {
  keys: Record<'PeterNeumann' | 'EnochRoot', Key>;
  text: string;
  signatureLines: Record<string, string>;
  signedNotes: Record<string, string>;
  openCases: { desc: string; note?: string; noteTemplate?: string; trusted: string[]; expect: 'ok' | 'error'; verified?: string[]; unverified?: string[]; error?: string }[];
  malformedNotes: { desc: string; note?: string; noteBase64?: string }[];
  badVerifierKeys: { vkey?: string; vkeyTemplate?: string; why: string }[];
  mismatchedVerifier: { desc: string; note: string }[];
  signRejects: { text: string }[];
  sumdbTreeNote: { treeSize: number; golden: string; bad: string[] };
}
const v = readJson<V>('golang-x-mod-sumdb', 'note-and-tlog-vectors.json');

describe.each([
  ['pure', pureBackend],
  ['node-crypto', createNodeBackend()]
] as const)('golang sumdb/note with the %s backend', (_n, backend) => {
  const verifiers: Record<string, NoteVerifier> = {};
  for (const [name, k] of Object.entries(v.keys)) {
    const p = parseVkey(k.vkey);
    if (!p.ok) throw new Error(p.message);
    verifiers[name] = ed25519NoteVerifier(p.value, backend);
  }

  it('keys: vkey, key ID and public key are consistent with the seeds', () => {
    for (const [name, k] of Object.entries(v.keys)) {
      const pub = ed25519.getPublicKey(hex(k.ed25519SeedHex));
      expect(Buffer.from(pub).toString('hex')).toBe(k.ed25519PublicKeyHex);
      expect(keyIdHex(keyId(name, SIG_ED25519, pub))).toBe(k.keyId);
      expect(formatVkey(name, SIG_ED25519, pub)).toBe(k.vkey);
    }
  });

  it('signing reproduces the published signature lines byte for byte', () => {
    for (const [name, k] of Object.entries(v.keys)) {
      const sig = ed25519.sign(utf8(v.text), hex(k.ed25519SeedHex));
      expect(signNoteLine(name, parseInt(k.keyId, 16), sig)).toBe(v.signatureLines[name]);
    }
    expect(formatNote(v.text, [v.signatureLines.PeterNeumann!])).toBe(v.signedNotes.peterOnly);
    expect(formatNote(v.text, [v.signatureLines.PeterNeumann!, v.signatureLines.EnochRoot!])).toBe(v.signedNotes.peterAndEnoch);
    for (const r of v.signRejects) expect(() => formatNote(r.text, [v.signatureLines.PeterNeumann!])).toThrow(TypeError);
  });

  it.each(v.openCases.map((c) => [c.desc, c] as const))('open: %s', async (_d, c) => {
    const note = c.note ?? v.text + '\n' + v.signatureLines.PeterNeumann!.repeat(101);
    const r = await openNote(note, c.trusted.map((n) => verifiers[n]!));
    expect(r.ok).toBe(c.expect === 'ok');
    if (r.ok) {
      expect(r.value.text).toBe(v.text);
      expect(r.value.verified.map((s) => s.name)).toEqual(c.verified);
      if (c.unverified) expect([...new Set(r.value.unverified.map((s) => s.name))]).toEqual(c.unverified);
    } else if (c.error === 'malformed note') expect(r.reason).toBe('too-many-signatures');
    else if (c.error?.startsWith('invalid signature')) {
      expect(r.reason).toBe('invalid-signature');
      expect(r.message).toContain('PeterNeumann+c74f20a3');
    } else expect(r.reason).toBe('no-verified-signature');
  });

  it('exactly 100 signature lines are still accepted (Go limit)', async () => {
    const r = await openNote(v.text + '\n' + v.signatureLines.PeterNeumann!.repeat(100), [verifiers.PeterNeumann!]);
    expect(r.ok).toBe(true);
  });

  it.each(v.malformedNotes.map((c) => [c.desc, c] as const))('malformed: %s', async (_d, c) => {
    const input = c.noteBase64 !== undefined ? b64(c.noteBase64) : c.note!;
    expect(parseNote(input).ok).toBe(false);
    const r = await openNote(input, [verifiers.PeterNeumann!]);
    expect(r.ok).toBe(false);
  });

  it.each(v.mismatchedVerifier.map((c) => [c.desc, c] as const))('mismatched verifier: %s', async (_d, c) => {
    const r = await openNote(c.note, [verifiers.PeterNeumann!]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('no-verified-signature');
  });
});

describe('golang sumdb verifier keys', () => {
  it('bad verifier keys are rejected', () => {
    const listed = v.badVerifierKeys.filter((k) => k.vkey !== undefined);
    expect(listed.length).toBe(2);
    for (const k of listed) expect(parseVkey(k.vkey!).ok).toBe(false);
  });
  it('every proper substring and every single-byte +1 mutation of the PeterNeumann vkey is rejected', () => {
    const good = v.keys.PeterNeumann.vkey;
    expect(parseVkey(good).ok).toBe(true);
    for (let i = 0; i < good.length; i++)
      for (let j = i; j <= good.length; j++) if (j - i < good.length) expect(parseVkey(good.slice(i, j)).ok, good.slice(i, j)).toBe(false);
    for (let i = 0; i < good.length; i++) {
      const m = good.slice(0, i) + String.fromCharCode(good.charCodeAt(i) + 1) + good.slice(i + 1);
      expect(parseVkey(m).ok, m).toBe(false);
    }
  });
});

describe('golang sumdb tree note body', () => {
  it('the golden tree note parses as a checkpoint body with the RFC 6962 leaf hash of "hello world"', () => {
    const cp = parseCheckpoint(v.sumdbTreeNote.golden);
    expect(cp.ok).toBe(true);
    if (cp.ok) {
      expect(cp.value.origin).toBe('go.sum database tree');
      expect(cp.value.size).toBe(v.sumdbTreeNote.treeSize);
      expect(toBase64(cp.value.root)).toBe(toBase64(leafHash(utf8('hello world'))));
    }
  });
  it('bad tree notes: wrong origin is a different log; hex size and bad base64 are rejected', () => {
    const [otherOrigin, hexSize, badRoot] = v.sumdbTreeNote.bad;
    const o = parseCheckpoint(otherOrigin!);
    expect(o.ok && o.value.origin).not.toBe('go.sum database tree');
    expect(parseCheckpoint(otherOrigin!, { origin: 'go.sum database tree' }).ok).toBe(false);
    expect(parseCheckpoint(hexSize!).ok).toBe(false);
    expect(parseCheckpoint(badRoot!).ok).toBe(false);
  });
});
