import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { evaluateQuorum, formatTrustPolicy, keyFingerprint, parseTrustPolicy, verifyCheckpointWithPolicy, type TrustPolicy } from '../../src/lib/core/trust-policy';
import { formatVkey, formatNote, signNoteLine, keyId, SIG_COSIGNATURE_V1, SIG_ED25519 } from '../../src/lib/core/note';
import { cosignatureMessage, formatCosignatureLine } from '../../src/lib/core/cosignature';
import { formatCheckpoint } from '../../src/lib/core/checkpoint';
import { leafHash } from '../../src/lib/core/merkle';
import { pureBackend } from '../../src/lib/core/ed25519';
import { createHash } from 'node:crypto';
import { utf8 } from '../../src/lib/core/bytes';

const key = (i: number) => {
  const seed = new Uint8Array(32).fill(i);
  return { seed, pub: ed25519.getPublicKey(seed) };
};
const LOG = key(1);
const W = [key(11), key(12), key(13), key(14)];
const logVkey = formatVkey('example.org/log', SIG_ED25519, LOG.pub);
const wVkey = (i: number) => formatVkey(`w${i}.example`, SIG_COSIGNATURE_V1, W[i]!.pub);

const POLICY = `# example policy
log ${logVkey} https://example.org/log
witness w0 ${wVkey(0)}
witness w1 ${wVkey(1)}   https://w1.example/
witness w2 ${wVkey(2)}
witness w3 ${wVkey(3)}
group eu 2 w0 w1 w2   # two of three
group any-of any eu w3
quorum any-of
`;
const parsed = parseTrustPolicy(POLICY);
if (!parsed.ok) throw new Error(parsed.message);
const policy: TrustPolicy = parsed.value;

describe('parseTrustPolicy', () => {
  it('reads logs, witnesses, groups and the quorum', () => {
    expect(policy.logs).toHaveLength(1);
    expect(policy.logs[0]!.url).toBe('https://example.org/log');
    expect(policy.witnesses.map((w) => w.name)).toEqual(['w0', 'w1', 'w2', 'w3']);
    expect(policy.groups).toEqual([
      { name: 'eu', threshold: 2, members: ['w0', 'w1', 'w2'] },
      { name: 'any-of', threshold: 1, members: ['eu', 'w3'] }
    ]);
    expect(policy.quorum).toBe('any-of');
    const again = parseTrustPolicy(formatTrustPolicy(policy));
    expect(again.ok && formatTrustPolicy(again.value)).toBe(formatTrustPolicy(policy));
  });
  it('rejects bad policies with the line number', () => {
    const bad = (text: string) => {
      const r = parseTrustPolicy(text);
      return r.ok ? 'ok' : `${r.reason}: ${r.message}`;
    };
    const base = `log ${logVkey}\nwitness w0 ${wVkey(0)}\n`;
    expect(bad(base + 'quorum w0\n')).toBe('ok');
    expect(bad(base + 'quorum none\n')).toBe('ok');
    expect(bad(base)).toMatch(/^quorum/);
    expect(bad(base + 'quorum w0\nquorum w0\n')).toMatch(/^quorum: policy line 4/);
    expect(bad(base + 'group g 1 w9\nquorum g\n')).toMatch(/^unknown-name: policy line 3/);
    expect(bad(base + 'quorum g\ngroup g 1 w0\n')).toMatch(/^unknown-name/); // groups reference earlier names only
    expect(bad(base + 'group g 2 w0\nquorum g\n')).toMatch(/^bad-threshold/);
    expect(bad(base + 'group g 0 w0\nquorum g\n')).toMatch(/^bad-threshold/);
    expect(bad(base + 'group g 01 w0\nquorum g\n')).toMatch(/^bad-threshold/);
    expect(bad(base + 'group g all w0 w0\nquorum g\n')).toMatch(/^duplicate-name/);
    expect(bad(base + `witness w0 ${wVkey(1)}\nquorum w0\n`)).toMatch(/^duplicate-name/);
    expect(bad(base + `witness w9 ${wVkey(0)}\nquorum w0\n`)).toMatch(/^duplicate-key/);
    expect(bad(base + `witness w9 ${logVkey}\nquorum w0\n`)).toMatch(/^wrong-key-type/);
    expect(bad(`log ${wVkey(0)}\nquorum none\n`)).toMatch(/^wrong-key-type/);
    expect(bad(`log ${logVkey.replace('+', '+0')}\nquorum none\n`)).toMatch(/^bad-vkey/);
    expect(bad(base + 'frobnicate\nquorum w0\n')).toMatch(/^syntax: policy line 3/);
    expect(bad('quorum none\n')).toMatch(/^syntax/);
  });
});

describe('evaluateQuorum', () => {
  it('counts distinct witnesses through nested groups', () => {
    expect(evaluateQuorum(policy, []).satisfied).toBe(false);
    expect(evaluateQuorum(policy, ['w0']).satisfied).toBe(false);
    expect(evaluateQuorum(policy, ['w0', 'w0', 'w0']).satisfied).toBe(false); // duplicates count once
    expect(evaluateQuorum(policy, ['w0', 'w2']).satisfied).toBe(true);
    expect(evaluateQuorum(policy, ['w3']).satisfied).toBe(true);
    expect(evaluateQuorum(policy, ['stranger', 'w1']).witnesses).toEqual(['w1']);
    const r = evaluateQuorum(policy, ['w1', 'w0']);
    expect(r.groups).toEqual([
      { name: 'eu', satisfied: 2, threshold: 2, ok: true },
      { name: 'any-of', satisfied: 1, threshold: 1, ok: true }
    ]);
    const none = parseTrustPolicy(`log ${logVkey}\nquorum none\n`);
    expect(none.ok && evaluateQuorum(none.value, []).satisfied).toBe(true);
  });
  it('fingerprint is hex SHA-256 of the key bytes', () => {
    expect(keyFingerprint(policy.logs[0]!.vkey)).toBe(createHash('sha256').update(LOG.pub).digest('hex'));
    expect(keyFingerprint(LOG.pub)).toBe(keyFingerprint(policy.logs[0]!.vkey));
  });
});

describe('verifyCheckpointWithPolicy', () => {
  const text = formatCheckpoint({ origin: 'example.org/log', size: 2, root: leafHash(utf8('r')) });
  const logLine = signNoteLine('example.org/log', keyId('example.org/log', SIG_ED25519, LOG.pub), ed25519.sign(utf8(text), LOG.seed));
  const cosig = (i: number, ts: bigint) => formatCosignatureLine(`w${i}.example`, W[i]!.pub, ts, ed25519.sign(cosignatureMessage(text, ts), W[i]!.seed));

  it('accepts the log signature plus a quorum; a witness counts once, with its first line (Go note.Open)', async () => {
    const r = await verifyCheckpointWithPolicy(formatNote(text, [logLine, cosig(0, 10n), cosig(2, 20n), cosig(0, 30n)]), policy, pureBackend, { origin: 'example.org/log' });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.cosignatures).toEqual([{ witness: 'w0', timestamp: 10n }, { witness: 'w2', timestamp: 20n }]);
  });
  it('two cosignatures by one witness do not make a quorum of two', async () => {
    const r = await verifyCheckpointWithPolicy(formatNote(text, [logLine, cosig(0, 10n), cosig(0, 11n)]), policy, pureBackend);
    expect(r).toMatchObject({ ok: false, reason: 'quorum-not-met' });
  });
  it('needs the log signature; witness signatures alone are not enough', async () => {
    const r = await verifyCheckpointWithPolicy(formatNote(text, [cosig(3, 1n)]), policy, pureBackend);
    expect(r).toMatchObject({ ok: false, reason: 'no-log-signature' });
  });
  it('a bad witness signature rejects the checkpoint', async () => {
    const line = cosig(1, 5n);
    const raw = Buffer.from(line.trim().split(' ')[2]!, 'base64');
    raw[40]! ^= 1; // inside the Ed25519 signature; name and key ID unchanged
    const bad = `— w1.example ${raw.toString('base64')}\n`;
    const r = await verifyCheckpointWithPolicy(formatNote(text, [logLine, cosig(3, 1n), bad]), policy, pureBackend);
    expect(r).toMatchObject({ ok: false, reason: 'invalid-signature', key: { name: 'w1.example' } });
  });
});
