import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { MAX_TIMESTAMP, cosignatureKeyId, cosignatureMessage, cosignatureVerifier, formatCosignatureLine, parseCosignature } from '../../src/lib/core/cosignature';
import { formatNote, formatVkey, openNote, parseVkey, SIG_COSIGNATURE_V1, SIG_ED25519, keyId, ed25519NoteVerifier } from '../../src/lib/core/note';
import { formatCheckpoint } from '../../src/lib/core/checkpoint';
import { leafHash } from '../../src/lib/core/merkle';
import { pureBackend } from '../../src/lib/core/ed25519';
import { concatBytes, fromUtf8, u64be, utf8 } from '../../src/lib/core/bytes';

const seed = new Uint8Array(32).fill(5);
const pub = ed25519.getPublicKey(seed);
const TEXT = formatCheckpoint({ origin: 'example.org/log', size: 1, root: leafHash(utf8('e')) });
const vk = parseVkey(formatVkey('w1.example', SIG_COSIGNATURE_V1, pub));
if (!vk.ok) throw new Error('vkey');
const verifier = cosignatureVerifier(vk.value, pureBackend);
const cosign = (ts: bigint, text = TEXT) => formatCosignatureLine('w1.example', pub, ts, ed25519.sign(cosignatureMessage(text, ts), seed));

describe('cosignature/v1', () => {
  it('message and line layout', () => {
    expect(fromUtf8(cosignatureMessage(TEXT, 1679315147n))).toBe(`cosignature/v1\ntime 1679315147\n${TEXT}`);
    const line = cosign(7n);
    const raw = Buffer.from(line.trim().split(' ')[2]!, 'base64');
    expect(raw.length).toBe(76);
    expect(raw.readUInt32BE(0)).toBe(cosignatureKeyId('w1.example', pub));
    expect(raw.readBigUInt64BE(4)).toBe(7n);
    expect(cosignatureKeyId('w1.example', pub)).not.toBe(keyId('w1.example', SIG_ED25519, pub));
  });
  it('verifies over the checkpoint text; a changed timestamp, text or type fails', async () => {
    const ok = await openNote(formatNote(TEXT, [cosign(1700000000n)]), [verifier]);
    expect(ok.ok).toBe(true);
    const line = cosign(1700000000n);
    const raw = Buffer.from(line.trim().split(' ')[2]!, 'base64');
    raw.writeBigUInt64BE(1700000001n, 4);
    const tampered = `— w1.example ${raw.toString('base64')}\n`;
    expect(await openNote(formatNote(TEXT, [tampered]), [verifier])).toMatchObject({ ok: false, reason: 'invalid-signature' });
    const other = formatCheckpoint({ origin: 'example.org/log', size: 2, root: leafHash(utf8('f')) });
    expect(await openNote(formatNote(other, [line]), [verifier])).toMatchObject({ ok: false, reason: 'invalid-signature' });
    // A plain note signature by the same key under the 0x04 key ID is not a cosignature.
    const plain = formatNote(TEXT, [formatCosignatureLine('w1.example', pub, 0n, ed25519.sign(utf8(TEXT), seed))]);
    expect(await openNote(plain, [verifier])).toMatchObject({ ok: false, reason: 'invalid-signature' });
  });
  it('timestamps: 0 and 2^63−1 are representable; 2^63 is rejected', async () => {
    expect((await openNote(formatNote(TEXT, [cosign(0n)]), [verifier])).ok).toBe(true);
    expect((await openNote(formatNote(TEXT, [cosign(MAX_TIMESTAMP)]), [verifier])).ok).toBe(true);
    expect(() => cosignatureMessage(TEXT, MAX_TIMESTAMP + 1n)).toThrow(RangeError);
    const msg = utf8(`cosignature/v1\ntime ${MAX_TIMESTAMP + 1n}\n${TEXT}`);
    const payload = concatBytes(u64be(MAX_TIMESTAMP + 1n), ed25519.sign(msg, seed));
    expect(verifier.verify(utf8(TEXT), payload)).toBe(false);
  });
  it('payload parsing and misuse', () => {
    expect(parseCosignature(new Uint8Array(71))).toBeNull();
    expect(parseCosignature(new Uint8Array(72))?.timestamp).toBe(0n);
    expect(() => formatCosignatureLine('w', pub, 0n, new Uint8Array(63))).toThrow(TypeError);
    const plainVk = parseVkey(formatVkey('w', SIG_ED25519, pub));
    expect(() => plainVk.ok && cosignatureVerifier(plainVk.value, pureBackend)).toThrow(TypeError);
    expect(() => vk.ok && ed25519NoteVerifier(vk.value, pureBackend)).toThrow(TypeError);
  });
});
