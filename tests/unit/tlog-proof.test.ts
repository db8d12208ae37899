import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { formatTlogProof, parseTlogProof, verifyTlogProof, TLOG_PROOF_HEADER } from '../../src/lib/core/tlog-proof';
import { parseTrustPolicy } from '../../src/lib/core/trust-policy';
import { formatNote, formatVkey, keyId, signNoteLine, SIG_COSIGNATURE_V1, SIG_ED25519 } from '../../src/lib/core/note';
import { cosignatureMessage, formatCosignatureLine } from '../../src/lib/core/cosignature';
import { formatCheckpoint } from '../../src/lib/core/checkpoint';
import { MerkleTree, leafHash } from '../../src/lib/core/merkle';
import { pureBackend } from '../../src/lib/core/ed25519';
import { toBase64, utf8 } from '../../src/lib/core/bytes';

const ORIGIN = 'example.org/qfs';
const logSeed = new Uint8Array(32).fill(21);
const witSeed = new Uint8Array(32).fill(22);
const logPub = ed25519.getPublicKey(logSeed);
const witPub = ed25519.getPublicKey(witSeed);
const policyText = `log ${formatVkey(ORIGIN, SIG_ED25519, logPub)}\nwitness w ${formatVkey('w.example', SIG_COSIGNATURE_V1, witPub)}\nquorum w\n`;
const policy = parseTrustPolicy(policyText);
if (!policy.ok) throw new Error(policy.message);

const entries = Array.from({ length: 13 }, (_, i) => utf8(`{"seq":${i}}`));
const tree = new MerkleTree(entries.map(leafHash));
const text = formatCheckpoint({ origin: ORIGIN, size: tree.size, root: tree.root() });
const note = formatNote(text, [
  signNoteLine(ORIGIN, keyId(ORIGIN, SIG_ED25519, logPub), ed25519.sign(utf8(text), logSeed)),
  formatCosignatureLine('w.example', witPub, 1764000000n, ed25519.sign(cosignatureMessage(text, 1764000000n), witSeed))
]);
const proofFor = (i: number, extra?: Uint8Array) => formatTlogProof({ ...(extra ? { extra } : {}), index: i, proof: tree.inclusionProof(i), checkpoint: note });

describe('tlog-proof', () => {
  it('layout: header, optional extra, index, hashes, blank line, checkpoint verbatim', () => {
    const t = proofFor(5, Uint8Array.of(1, 2, 3));
    const lines = t.split('\n');
    expect(lines[0]).toBe(TLOG_PROOF_HEADER);
    expect(lines[1]).toBe('extra AQID');
    expect(lines[2]).toBe('index 5');
    expect(lines.slice(3, 3 + tree.inclusionProof(5).length)).toEqual(tree.inclusionProof(5).map(toBase64));
    expect(t.endsWith('\n\n' + note)).toBe(true);
    const p = parseTlogProof(t);
    expect(p.ok && formatTlogProof(p.value)).toBe(t);
  });
  it('every entry verifies under the policy; wrong entry, index or root fail with named reasons', async () => {
    for (let i = 0; i < entries.length; i++) {
      const r = await verifyTlogProof(proofFor(i), entries[i]!, policy.value, pureBackend, { origin: ORIGIN });
      expect(r.ok, `index ${i}`).toBe(true);
      if (r.ok) expect(r.value.cosignatures).toEqual([{ witness: 'w', timestamp: 1764000000n }]);
    }
    expect(await verifyTlogProof(proofFor(3), entries[4]!, policy.value, pureBackend)).toMatchObject({ ok: false, reason: 'inclusion-failed' });
    const wrongIndex = proofFor(3).replace('index 3', 'index 2');
    expect(await verifyTlogProof(wrongIndex, entries[3]!, policy.value, pureBackend)).toMatchObject({ ok: false, reason: 'inclusion-failed' });
    const outOfRange = proofFor(3).replace('index 3', 'index 13');
    expect(await verifyTlogProof(outOfRange, entries[3]!, policy.value, pureBackend)).toMatchObject({ ok: false, reason: 'index-out-of-range' });
    expect(await verifyTlogProof(proofFor(3), entries[3]!, policy.value, pureBackend, { origin: 'other' })).toMatchObject({ ok: false, reason: 'origin-mismatch' });
    const noWitness = formatTlogProof({ index: 0, proof: tree.inclusionProof(0), checkpoint: note.split('— w.example')[0]! });
    expect(await verifyTlogProof(noWitness, entries[0]!, policy.value, pureBackend)).toMatchObject({ ok: false, reason: 'quorum-not-met' });
  });
  it('the unauthenticated extra line does not affect verification', async () => {
    const r = await verifyTlogProof(proofFor(7, utf8('anything')), entries[7]!, policy.value, pureBackend);
    expect(r.ok).toBe(true);
  });
  it('parse errors', () => {
    const reason = (t: string) => {
      const r = parseTlogProof(t);
      return r.ok ? 'ok' : r.reason;
    };
    const good = proofFor(2);
    expect(reason(good)).toBe('ok');
    expect(reason(good.replace(TLOG_PROOF_HEADER, 'c2sp.org/tlog-proof@v2'))).toBe('syntax');
    expect(reason(good.replace('index 2', 'index 02'))).toBe('bad-index');
    expect(reason(good.replace('index 2', 'idx 2'))).toBe('syntax');
    expect(reason(good.replace('index 2\n', 'index 2\nAAAA\n'))).toBe('bad-hash');
    expect(reason(good.replace('\n\n', '\n'))).not.toBe('ok');
    expect(reason(`${TLOG_PROOF_HEADER}\nindex 0\n` + 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n'.repeat(64) + '\n' + note)).toBe('too-many-hashes');
    expect(() => formatTlogProof({ index: -1, proof: [], checkpoint: note })).toThrow(RangeError);
  });
  it('property: any single-byte change to the proof file or the entry is rejected', async () => {
    const t = utf8(proofFor(9));
    await fc.assert(
      fc.asyncProperty(fc.nat(t.length - 1), fc.integer({ min: 1, max: 255 }), fc.boolean(), async (at, delta, inEntry) => {
        let proofText = new TextDecoder().decode(t);
        let entry = entries[9]!;
        if (inEntry) {
          entry = entry.slice();
          entry[at % entry.length] = (entry[at % entry.length]! + delta) & 255;
        } else {
          const b = t.slice();
          b[at] = (b[at]! + delta) & 255;
          proofText = new TextDecoder('utf-8', { fatal: false }).decode(b);
          if (proofText === new TextDecoder().decode(t)) return; // changed into an equal decoding
        }
        const r = await verifyTlogProof(proofText, entry, policy.value, pureBackend);
        // Every byte is covered: the text by both signatures, a signature line's name/ID by the
        // need for the log signature and the witness quorum, the proof and index by inclusion.
        expect(r.ok).toBe(false);
      }),
      { numRuns: 300 }
    );
  });
});
