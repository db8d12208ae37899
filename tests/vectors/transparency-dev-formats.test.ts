// transparency-dev/formats vectors (tests/vectors/transparency-dev-formats/README.md): a real
// sum.golang.org checkpoint, extra signers, published key pairs, foreign signature types.
import { describe, expect, it } from 'vitest';
import { readJson } from './load';
import { parseGoSkey } from './c2sp-notes';
import { ed25519NoteVerifier, keyIdHex, openNote, parseNote, parseVkey, type NoteVerifier } from '../../src/lib/core/note';
import { openCheckpoint, parseCheckpoint } from '../../src/lib/core/checkpoint';
import { pureBackend } from '../../src/lib/core/ed25519';

interface V {
  realCheckpoints: { vkey: string; note: string; origin: string; size: number }[];
  extraSignatures: { body: string; signers: { vkey: string | null; line: string; expect: string }[] };
  testKeyPairs: { pairs: { vkey: string; skey: string; caveat?: string }[] };
  foreignSignatureTypes: { notes: { type: string; vkey?: string; note: string }[] };
}
const v = readJson<V>('transparency-dev-formats', 'checkpoint-vectors.json');
const verifier = (vkey: string): NoteVerifier => {
  const p = parseVkey(vkey);
  if (!p.ok) throw new Error(p.message);
  return ed25519NoteVerifier(p.value, pureBackend);
};

describe('transparency-dev/formats', () => {
  it('real sum.golang.org checkpoint opens with its key (key name ≠ origin; vkey base64 contains +)', async () => {
    for (const c of v.realCheckpoints) {
      const r = await openCheckpoint(c.note, [verifier(c.vkey)], { origin: c.origin });
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.checkpoint.size).toBe(c.size);
        expect(r.value.note.verified[0]!.name).toBe('sum.golang.org');
      }
      // The wrong origin is refused even though the signature verifies.
      const wrong = await openCheckpoint(c.note, [verifier(c.vkey)], { origin: 'sum.golang.org' });
      expect(wrong.ok === false && wrong.reason).toBe('origin-mismatch');
    }
  });

  it('extra signers verify; unknown signers are ignored; a note with all of them opens', async () => {
    const known = v.extraSignatures.signers.filter((s) => s.vkey !== null);
    expect(known.length).toBe(3);
    const note = v.extraSignatures.body + '\n' + v.extraSignatures.signers.map((s) => s.line + '\n').join('');
    const r = await openNote(note, known.map((s) => verifier(s.vkey!)));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.verified.map((s) => s.name)).toEqual(['monkeys', 'bananas', 'witness']);
      expect(r.value.unverified.map((s) => s.name)).toEqual(['random1', 'random2']);
    }
    for (const s of known) expect((await openNote(v.extraSignatures.body + '\n' + s.line + '\n', [verifier(s.vkey!)])).ok).toBe(true);
    // With the real checkpoint's own signature added, and its key, five lines still open.
    const real = v.realCheckpoints[0]!;
    const all = real.note + v.extraSignatures.signers.map((s) => s.line + '\n').join('');
    const r2 = await openNote(all, [verifier(real.vkey), ...known.map((s) => verifier(s.vkey!))]);
    expect(r2.ok && r2.value.verified.length).toBe(4);
  });

  it('published skey/vkey pairs: the seed derives the vkey', () => {
    for (const p of v.testKeyPairs.pairs) {
      const k = parseGoSkey(p.skey);
      if (p.caveat) continue; // not asserted to match upstream
      expect(k.vkey).toBe(p.vkey);
      const parsed = parseVkey(p.vkey);
      expect(parsed.ok && keyIdHex(parsed.value.keyId)).toBe(p.vkey.split('+')[1]);
    }
  });

  it('foreign signature types (RFC 6962 STH 0x05, ECDSA) are ignored: parse fine, no Ed25519 key matches', async () => {
    for (const n of v.foreignSignatureTypes.notes) {
      const parsed = parseNote(n.note);
      expect(parsed.ok).toBe(true);
      expect(parseCheckpoint(parsed.ok ? parsed.value.text : '').ok).toBe(true);
      if (n.vkey) {
        const vk = parseVkey(n.vkey);
        expect(vk.ok === false && vk.reason).toBe('unsupported-type');
      }
      // An Ed25519 verifier under the same name is a different key ID: the line is unknown.
      const someKey = verifier(v.realCheckpoints[0]!.vkey);
      const r = await openNote(n.note, [someKey]);
      expect(r.ok === false && r.reason).toBe('no-verified-signature');
    }
  });

  it('a flipped bit anywhere in the real checkpoint text is rejected', async () => {
    const c = v.realCheckpoints[0]!;
    const body = c.note.slice(0, c.note.indexOf('\n\n') + 1);
    for (let i = 0; i < body.length; i++) {
      const t = body.slice(0, i) + String.fromCharCode(body.charCodeAt(i) ^ 1) + body.slice(i + 1);
      const r = await openCheckpoint(t + c.note.slice(body.length), [verifier(c.vkey)]);
      expect(r.ok, `offset ${i}`).toBe(false);
    }
  });
});
