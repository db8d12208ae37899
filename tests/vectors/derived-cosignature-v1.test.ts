// Derived cosignature/v1 cases (tests/vectors/derived-cosignature-v1/README.md; project-made from
// third-party keys and a real checkpoint): valid, tampered timestamp, wrong type, 0x01 key ID,
// stripped extension line, timestamp 2^63, timestamp 0.
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hex, readJson } from './load';
import { formatVkey, parseVkey, SIG_COSIGNATURE_V1, SIG_ED25519 } from '../../src/lib/core/note';
import { openCheckpoint } from '../../src/lib/core/checkpoint';
import { cosignatureKeyId, cosignatureVerifier, formatCosignatureLine, cosignatureMessage, parseCosignature } from '../../src/lib/core/cosignature';
import { parseTrustPolicy, verifyCheckpointWithPolicy } from '../../src/lib/core/trust-policy';
import { pureBackend } from '../../src/lib/core/ed25519';
import { createNodeBackend } from '../../src/cli/ed25519-node';
import { keyIdHex } from '../../src/lib/core/note';

interface V {
  cosigner: { name: string; ed25519SeedHex: string; ed25519PublicKeyHex: string; keyId0x04: string; vkeyCosignatureV1: string; keyId0x01: string; vkeyPlainNote: string };
  logKey: { vkey: string };
  cases: { desc: string; note: string; expect: string }[];
}
const v = readJson<V>('derived-cosignature-v1', 'cosignature-v1-vectors.json');

describe.each([
  ['pure', pureBackend],
  ['node-crypto', createNodeBackend()]
] as const)('derived cosignature/v1 (%s backend)', (_n, backend) => {
  const c = v.cosigner;
  const wit = parseVkey(c.vkeyCosignatureV1);
  if (!wit.ok) throw new Error(wit.message);
  const verifier = cosignatureVerifier(wit.value, backend);

  it('key IDs and vkeys for types 0x04 and 0x01', () => {
    const pub = hex(c.ed25519PublicKeyHex);
    expect(keyIdHex(cosignatureKeyId(c.name, pub))).toBe(c.keyId0x04);
    expect(formatVkey(c.name, SIG_COSIGNATURE_V1, pub)).toBe(c.vkeyCosignatureV1);
    expect(formatVkey(c.name, SIG_ED25519, pub)).toBe(c.vkeyPlainNote);
  });

  it.each(v.cases.map((x) => [x.desc, x] as const))('%s', async (_d, x) => {
    const r = await openCheckpoint(x.note, [verifier]);
    if (x.expect === 'valid') expect(r.ok).toBe(true);
    else if (x.expect === 'ignored-unknown-key') expect(r.ok === false && r.reason).toBe('no-verified-signature');
    else expect(r.ok === false && r.reason).toBe('invalid-signature'); // invalid-signature, and timestamp 2^63
  });

  it('re-signing the valid case reproduces its line byte for byte (Ed25519 is deterministic)', () => {
    const valid = v.cases[0]!;
    const text = valid.note.slice(0, valid.note.lastIndexOf('\n\n') + 1);
    const line = valid.note.split('\n').find((l) => l.startsWith('— Wit1 '))!;
    const ts = parseCosignature(Buffer.from(line.split(' ')[2]!, 'base64').subarray(4))!.timestamp;
    const sig = ed25519.sign(cosignatureMessage(text, ts), hex(c.ed25519SeedHex));
    expect(formatCosignatureLine(c.name, hex(c.ed25519PublicKeyHex), ts, sig)).toBe(line + '\n');
  });

  it('under a policy (log sum.golang.org + witness Wit1, quorum Wit1) the valid case passes with its timestamp', async () => {
    const policy = parseTrustPolicy(`log ${v.logKey.vkey}\nwitness Wit1 ${c.vkeyCosignatureV1}\nquorum Wit1\n`);
    expect(policy.ok).toBe(true);
    if (!policy.ok) return;
    const valid = v.cases[0]!;
    const r = await verifyCheckpointWithPolicy(valid.note, policy.value, backend, { origin: 'go.sum database tree' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.cosignatures).toEqual([{ witness: 'Wit1', timestamp: parseCosignature(Buffer.from(valid.note.split('— Wit1 ')[1]!.trim(), 'base64').subarray(4))!.timestamp }]);
    // The 0x01-key-ID line is ignored: the log signs, but the quorum is not met.
    const ignored = v.cases.find((x) => x.expect === 'ignored-unknown-key')!;
    const r2 = await verifyCheckpointWithPolicy(ignored.note, policy.value, backend);
    expect(r2.ok === false && r2.reason).toBe('quorum-not-met');
  });
});
