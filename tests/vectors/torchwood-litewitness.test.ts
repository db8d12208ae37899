// torchwood litewitness add-checkpoint sequence (tests/vectors/torchwood-litewitness/README.md),
// replayed through a minimal tlog-witness built from core: origin, log signature, old size and
// consistency (verifyConsistency with the tlog-witness old-size-0 rule) decide each status.
import { describe, expect, it } from 'vitest';
import { b64, hex, readJson } from './load';
import { ed25519NoteVerifier, formatVkey, parseNote, parseVkey, SIG_ED25519 } from '../../src/lib/core/note';
import { openCheckpoint } from '../../src/lib/core/checkpoint';
import { pureBackend } from '../../src/lib/core/ed25519';
import { EMPTY_ROOT, MerkleTree, verifyConsistency } from '../../src/lib/core/merkle';
import { sha256Hex } from '../../src/lib/core/hash';
import { fromBase64, toBase64 } from '../../src/lib/core/bytes';

interface V {
  sigsumStyleLog: { logPublicKeyHex: string; origin: string; vkey: string; leafHashesHex: string[] };
  addCheckpointSequence: { step: number; body: string; expectStatus: number; why: string }[];
  realSumdbCheckpoint: { vkey: string; note: string };
}
const v = readJson<V>('torchwood-litewitness', 'witness-vectors.json');

/** A tlog-witness v1.0.0 add-checkpoint handler over core (status codes of the spec, 403 for an unknown origin as litewitness answers). */
function makeWitness(origin: string, logVkey: string) {
  const vk = parseVkey(logVkey);
  if (!vk.ok) throw new Error(vk.message);
  const logVerifier = ed25519NoteVerifier(vk.value, pureBackend);
  let state = { size: 0, root: EMPTY_ROOT };
  return async (body: string): Promise<{ status: number; body: string }> => {
    const blank = body.indexOf('\n\n');
    const head = body.slice(0, blank).split('\n');
    const note = body.slice(blank + 2);
    const old = Number(/^old (0|[1-9][0-9]*)$/.exec(head[0]!)![1]);
    const proof = head.slice(1).map((l) => fromBase64(l)!);
    const parsed = parseNote(note);
    // A signature line we cannot accept (here: non-canonical base64, which Go's lenient decoder
    // takes and then fails to verify) means no trusted log signature: 403, as litewitness answers.
    if (!parsed.ok) return { status: parsed.reason === 'bad-signature-line' ? 403 : 400, body: parsed.message };
    if (parsed.value.text.split('\n')[0] !== origin) return { status: 403, body: 'unknown log' };
    const cp = await openCheckpoint(note, [logVerifier], { origin });
    if (!cp.ok) return { status: cp.reason === 'invalid-signature' || cp.reason === 'no-verified-signature' ? 403 : 422, body: cp.message };
    const { size, root } = cp.value.checkpoint;
    if (old > size) return { status: 400, body: 'old > size' };
    if (old !== state.size) return { status: 409, body: `${state.size}\n` };
    if (!verifyConsistency(old, size, proof, state.root, root)) return { status: 422, body: 'bad consistency proof' };
    state = { size, root };
    return { status: 200, body: '— example.com/witness …\n' };
  };
}

describe('torchwood litewitness', () => {
  const log = v.sigsumStyleLog;
  it('the Sigsum-style origin and vkey derive from the log key', () => {
    expect(log.origin).toBe('sigsum.org/v1/tree/' + sha256Hex(hex(log.logPublicKeyHex)));
    expect(formatVkey(log.origin, SIG_ED25519, hex(log.logPublicKeyHex))).toBe(log.vkey);
  });

  it('replays the 9-step add-checkpoint sequence with the expected statuses', async () => {
    const witness = makeWitness(log.origin, log.vkey);
    const got: number[] = [];
    for (const s of v.addCheckpointSequence) {
      const r = await witness(s.body);
      got.push(r.status);
      if (s.expectStatus === 409) expect(r.body).toMatch(/^[0-9]+\n$/);
      if (s.step === 2) expect(r.body).toContain('not canonical base64');
    }
    expect(got).toEqual(v.addCheckpointSequence.map((s) => s.expectStatus));
    expect(got).toHaveLength(9);
  });

  it('the sequence checkpoints have the roots of the synthetic leaves, and our proofs equal theirs', () => {
    const tree = new MerkleTree(log.leafHashesHex.map(hex));
    for (const s of v.addCheckpointSequence.filter((x) => x.expectStatus === 200)) {
      const blank = s.body.indexOf('\n\n');
      const head = s.body.slice(0, blank).split('\n');
      const old = Number(head[0]!.slice(4));
      const [, sizeText, rootText] = s.body.slice(blank + 2).split('\n');
      const size = Number(sizeText);
      expect(toBase64(tree.root(size))).toBe(rootText);
      expect(tree.consistencyProof(old, size).map(toBase64)).toEqual(head.slice(1));
      if (old > 0) expect(verifyConsistency(old, size, head.slice(1).map(b64), tree.root(old), tree.root(size))).toBe(true);
    }
  });

  it('the second real sum.golang.org checkpoint verifies', async () => {
    const vk = parseVkey(v.realSumdbCheckpoint.vkey);
    expect(vk.ok).toBe(true);
    if (!vk.ok) return;
    const r = await openCheckpoint(v.realSumdbCheckpoint.note, [ed25519NoteVerifier(vk.value, pureBackend)], { origin: 'go.sum database tree' });
    expect(r.ok && r.value.checkpoint.size).toBe(35225469);
  });
});
