// The fast path of parseEnvelope (issue 7): canonicalDepth proves a line canonical in one scan of
// its bytes, then JSON.parse reads it; anything the scan does not prove goes through the full path
// (decode, parse, re-encode, compare). These properties check that the two agree: on every line of
// the demo ledger, on single-byte mutations of those lines and on random JSON values, the result
// (value, or finding code, seq and message) equals the one of the full path alone, which is kept
// below as the oracle (parseEnvelope as it was before the fast path).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CanonicalJsonError, asciiBytes, canonicalDepth, canonicalize, parseCanonical, type Json } from '../../src/lib/core/canonical-json';
import { EVENT_TYPES, POLICY_BOUND, decodeLine, isRole, isSubjectId, parseEnvelope, signatureInputsOfLine, signedMessage, type ParseResult } from '../../src/lib/core/envelope';
import { fromBase64, fromHex, isBase64Of, isHex } from '../../src/lib/core/bytes';
import { LIMITS, type Envelope, type EventType, type FindingCode } from '../../src/lib/core/types';
import { demoLines } from './demo-lines';

// ---------------------------------------------------------------------------------------------
// The oracle: the full path only, with the decoding helpers it used (fromBase64 / fromHex lengths).

const KEYS = ['epoch', 'key', 'payload', 'prev', 'seq', 'sig', 'signer', 'type', 'v'];
const KEYS_POLICY = ['epoch', 'key', 'payload', 'policy', 'prev', 'seq', 'sig', 'signer', 'type', 'v'];
const isObject = (v: unknown): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEpoch = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const hasExactKeys = (o: object, keys: readonly string[]): boolean => Object.keys(o).length === keys.length && keys.every((k) => Object.hasOwn(o, k));
const oldIsHex = (s: string, n: number) => s.length === n * 2 && fromHex(s) !== null;
function depth(v: Json): number {
  if (Array.isArray(v)) return 1 + v.reduce<number>((m, x) => Math.max(m, depth(x)), 0);
  if (isObject(v)) return 1 + Object.values(v).reduce<number>((m, x) => Math.max(m, depth(x)), 0);
  return 0;
}
const fail = (code: FindingCode, seq: number | null, message: string) => ({ ok: false as const, finding: { code, seq, message } });

function oracle(line: Uint8Array, at: number): ParseResult<Envelope> {
  const text = decodeLine(line, at);
  if (!text.ok) return text;
  let v: Json;
  try {
    v = parseCanonical(text.value);
  } catch (e) {
    if (e instanceof CanonicalJsonError) return fail(e.reason === 'syntax' ? 'json.syntax' : 'json.noncanonical', at, `event line: ${e.message}`);
    throw e;
  }
  if (!isObject(v)) return fail('event.schema', at, 'event line is not a JSON object');
  const type = v['type'];
  if (typeof type !== 'string') return fail('event.schema', at, 'field "type" must be a string');
  if (!(EVENT_TYPES as readonly string[]).includes(type)) return fail('event.unknown-type', at, `unknown event type ${JSON.stringify(type)}`);
  const bound = POLICY_BOUND.has(type as EventType);
  if (!hasExactKeys(v, bound ? KEYS_POLICY : KEYS)) {
    return fail('event.schema', at, `a ${type} envelope has exactly the fields ${(bound ? KEYS_POLICY : KEYS).join(', ')}; got ${Object.keys(v).sort().join(', ')}`);
  }
  if (v['v'] !== 1) return fail('event.schema', at, `envelope version ${JSON.stringify(v['v'])}; expected 1`);
  const seq = v['seq'];
  if (!isEpoch(seq)) return fail('event.schema', at, 'field "seq" must be a non-negative integer');
  if (!isEpoch(v['epoch'])) return fail('event.schema', seq, 'field "epoch" must be a non-negative integer');
  const signer = v['signer'];
  if (typeof signer !== 'string' || !(isRole(signer) || isSubjectId(signer))) return fail('event.schema', seq, `field "signer" must be a role or a subject id; got ${JSON.stringify(signer)}`);
  const key = v['key'];
  if (typeof key !== 'string' || fromBase64(key)?.length !== 32) return fail('sig.malformed', seq, 'field "key" must be canonical base64 of a 32-byte Ed25519 public key');
  const sig = v['sig'];
  if (typeof sig !== 'string' || fromBase64(sig)?.length !== 64) return fail('sig.malformed', seq, 'field "sig" must be canonical base64 of a 64-byte Ed25519 signature');
  if (typeof v['prev'] !== 'string' || !oldIsHex(v['prev'], 32)) return fail('event.schema', seq, 'field "prev" must be 64 lowercase hex digits');
  if (bound && (typeof v['policy'] !== 'string' || !oldIsHex(v['policy'], 32))) return fail('event.schema', seq, 'field "policy" must be 64 lowercase hex digits');
  if (!isObject(v['payload'])) return fail('event.schema', seq, 'field "payload" must be an object');
  if (depth(v['payload']) > LIMITS.payloadDepth) return fail('limit.exceeded', seq, `payload nesting deeper than ${LIMITS.payloadDepth}`);
  return { ok: true, value: v as unknown as Envelope };
}

/** The full path's verdict on a text: its re-encoding (it accepts), or null (it rejects). */
function fullPath(text: string): string | null {
  try {
    return canonicalize(parseCanonical(text));
  } catch (e) {
    if (e instanceof CanonicalJsonError) return null;
    throw e;
  }
}

/** Keys the scan proves: printable ASCII without '"' or '\' (no escapes). */
const plainKeys = (v: Json): boolean =>
  Array.isArray(v) ? v.every(plainKeys) : isObject(v) ? Object.entries(v).every(([k, x]) => /^[\x20-\x21\x23-\x5b\x5d-\x7e]*$/.test(k) && plainKeys(x)) : true;


const lines = demoLines();
/** Bytes a mutation writes: structure, digits, letters, escapes, whitespace, control and non-ASCII. */
const MUTANT_BYTES = [...'{}[]":,\\/-+.eEu0129aAfFzZ= tnrbT_'].map((c) => c.charCodeAt(0)).concat([0x00, 0x09, 0x0a, 0x1f, 0x7f, 0x80, 0xc3, 0xff]);

function mutate(line: Uint8Array, kind: number, at: number, byte: number): Uint8Array {
  const i = at % (line.length + (kind === 2 ? 1 : 0));
  if (kind === 0) {
    const m = line.slice();
    m[i] = byte;
    return m;
  }
  if (kind === 1) return Uint8Array.from([...line.subarray(0, i), ...line.subarray(i + 1)]); // delete
  if (kind === 2) return Uint8Array.from([...line.subarray(0, i), byte, ...line.subarray(i)]); // insert
  const m = line.slice(); // swap with the next byte
  const j = Math.min(i + 1, line.length - 1);
  [m[i], m[j]] = [m[j]!, m[i]!];
  return m;
}

describe('parseEnvelope fast path = full path', () => {
  it('every line of the demo ledger: same envelope, and the scan proves each one', () => {
    expect(lines.length).toBe(10000);
    for (let i = 0; i < lines.length; i++) {
      expect(canonicalDepth(lines[i]!)).toBeGreaterThan(0);
      expect(parseEnvelope(lines[i]!, i)).toEqual(oracle(lines[i]!, i));
    }
  });

  it('single-byte replacements at every offset of one demo line per event type: same result', () => {
    const byType = new Map<string, Uint8Array>();
    for (const l of lines) {
      const t = /"type":"([a-z.]+)"/.exec(new TextDecoder().decode(l))![1]!;
      if (!byType.has(t)) byType.set(t, l);
    }
    expect(byType.size).toBe(EVENT_TYPES.length);
    let proven = 0;
    let accepted = 0;
    for (const line of byType.values()) {
      for (let i = 0; i < line.length; i++) {
        // 4 of the mutant bytes per offset, different ones at the next offset.
        for (let k = 0; k < 4; k++) {
          const byte = MUTANT_BYTES[(5 * i + k) % MUTANT_BYTES.length]!;
          if (line[i] === byte) continue;
          const m = line.slice();
          m[i] = byte;
          const got = parseEnvelope(m, 3);
          expect(got).toEqual(oracle(m, 3));
          if (canonicalDepth(m) >= 0) proven++;
          if (got.ok) accepted++;
        }
      }
    }
    // Many mutants stay canonical JSON (a digit for a digit, a letter in a string) and some stay valid envelopes.
    expect(proven).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(100);
  });

  it('payload nesting at and around the limit, and beyond what the scan takes: same result', () => {
    const env = JSON.parse(new TextDecoder().decode(lines[5000]!)) as Record<string, Json>;
    for (let n = 1; n <= 70; n++) {
      for (const wrap of [(x: Json): Json => ({ d: x }), (x: Json): Json => [x, 0]]) {
        let inner: Json = 1;
        for (let i = 1; i < n; i++) inner = wrap(inner);
        const line = asciiBytes(canonicalize({ ...env, payload: { p: inner } })); // payload depth n
        const got = parseEnvelope(line, 5000);
        expect(got).toEqual(oracle(line, 5000));
        expect(got.ok ? 'ok' : got.finding.code).toBe(n > LIMITS.payloadDepth ? 'limit.exceeded' : 'ok');
      }
    }
  });

  it('fast-check: random deletions, insertions, replacements and swaps in random demo lines', () => {
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.array(fc.tuple(fc.nat(3), fc.nat(), fc.constantFrom(...MUTANT_BYTES)), { minLength: 1, maxLength: 3 }), (n, edits) => {
        let m = lines[n]!;
        for (const [kind, at, byte] of edits) m = mutate(m, kind, at, byte);
        expect(parseEnvelope(m, n)).toEqual(oracle(m, n));
      }),
      { numRuns: 4000, seed: 7 }
    );
  });
});

describe('canonicalDepth', () => {
  const json = fc.jsonValue({ maxDepth: 5, noUnicodeString: false }).map(
    (v) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isSafeInteger(x) ? Math.trunc(x) % 1e15 : x))) as Json
  );

  it('fast-check: proves the canonical text of every value with plain keys, with its depth', () => {
    fc.assert(
      fc.property(json, (v) => {
        let text: string;
        try {
          text = canonicalize(v);
        } catch {
          return; // lone surrogates
        }
        expect(canonicalDepth(asciiBytes(text))).toBe(plainKeys(v) ? depth(v) : -1);
      }),
      { numRuns: 3000, seed: 11 }
    );
  });

  it('fast-check: proves a mutated text exactly when the full path accepts it (keys plain)', () => {
    fc.assert(
      fc.property(json, fc.array(fc.tuple(fc.nat(3), fc.nat(), fc.constantFrom(...MUTANT_BYTES)), { minLength: 1, maxLength: 2 }), (v, edits) => {
        let text: string;
        try {
          text = canonicalize(v);
        } catch {
          return;
        }
        let m = asciiBytes(text);
        for (const [kind, at, byte] of edits) m = mutate(m, kind, at, byte);
        const d = canonicalDepth(m);
        const ascii = m.every((b) => b < 0x80);
        const back = ascii ? fullPath(new TextDecoder().decode(m)) : null;
        if (d >= 0) {
          // Sound: what the scan proves, the full path accepts, and JSON.parse reads the same value.
          expect(back).toBe(new TextDecoder().decode(m));
          expect(depth(JSON.parse(back!) as Json)).toBe(d);
        } else if (back !== null) {
          // Complete up to escaped keys: anything else canonical is proven.
          expect(plainKeys(JSON.parse(back) as Json)).toBe(false);
        }
      }),
      { numRuns: 5000, seed: 13 }
    );
  });

  it('edge cases: numbers, escapes, surrogates, key order, nesting', () => {
    const d = (s: string) => canonicalDepth(asciiBytes(s));
    const agree = (s: string) => expect(d(s) >= 0).toBe(fullPath(s) === s);
    for (const s of [
      '0', '-0', '01', '-01', '1.0', '1e5', '1E5', '-', '', ' 1', '1 ', '9007199254740991', '-9007199254740991', '9007199254740992',
      '-9007199254740992', '9999999999999999', '10000000000000000', '12345678901234567', 'true', 'tru', 'falsey', 'null', 'nul',
      '"a"', '"a', '"\\"\\\\\\n\\r\\t\\b\\f"', '"\\/"', '"\\u0041"', '"\\u0022"', '"\\u000a"', '"\\u000b"', '"\\u001f"', '"\\u007f"',
      '"\\u00e9"', '"\\u00E9"', '"\\u00e"', '"\\ud83d\\ude00"', '"\\ud83d"', '"\\ude00"', '"\\ude00\\ud83d"', '"\\ud83d\\u0041"',
      '"\\ud83d\\ud83d"', '"\\uffff"', '"\\ue000"', '"\\x"', '"\x7f"', '"\x1f"',
      '{}', '[]', '{"a":1}', '{"a":1,"a":2}', '{"b":1,"a":2}', '{"a":1,"ab":2}', '{"ab":1,"a":2}', '{"10":1,"9":2}', '{"9":1,"10":2}',
      '{"__proto__":1}', '{"__proto__":{"a":1},"b":[]}', '{"a":}', '{"a"1}', '{"a":1,}', '[1,]', '[,1]', '[1,2', '{"a":[{"b":null}]}',
      '{"a":1}x', '[1][2]', '"\\u0000"'
    ])
      agree(s);
    // Every \u escape of the first 256 code units and the surrogate edges, lower and upper case.
    for (const c of [...Array.from({ length: 256 }, (_, i) => i), 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffe]) {
      const h = c.toString(16).padStart(4, '0');
      for (const s of [`"\\u${h}"`, `"\\u${h.toUpperCase()}"`, `"\\u${h}\\udc00"`, `["\\ud800\\u${h}"]`]) agree(s);
    }
    expect(d('{"\\u00e9":1}')).toBe(-1); // canonical, but keys with escapes are left to the full path
    expect(d('[[[0]]]')).toBe(3);
    expect(d('[{"a":[]},0]')).toBe(3);
    expect(d('['.repeat(64) + ']'.repeat(64))).toBe(64);
    expect(d('['.repeat(65) + ']'.repeat(65))).toBe(-1);
    expect(fullPath('['.repeat(65) + ']'.repeat(65))).not.toBeNull();
  });
});

describe('non-allocating field checks', () => {
  it('isBase64Of(s, n) = fromBase64(s)?.length === n, isHex agrees with fromHex', () => {
    const alphabet = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ é'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 92 }), fc.nat(70), (cs, n) => {
        const s = cs.join('');
        expect(isBase64Of(s, n)).toBe(fromBase64(s)?.length === n);
        expect(isBase64Of(s, s.length)).toBe(fromBase64(s)?.length === s.length);
      }),
      { numRuns: 3000, seed: 5 }
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat(3), (b, k) => {
        const s = Buffer.from(b).toString('base64');
        expect(isBase64Of(s, b.length)).toBe(true);
        // Non-zero padding bits: bump the last sextet before the padding.
        if (s.endsWith('=')) {
          const at = s.indexOf('=') - 1;
          const bumped = s.slice(0, at) + 'ABCD'[(k % 3) + 1] + s.slice(at + 1);
          expect(isBase64Of(bumped, b.length)).toBe(fromBase64(bumped)?.length === b.length);
        }
      }),
      { numRuns: 1000, seed: 6 }
    );
    const hex = fc.constantFrom(...'0123456789abcdefABCDEFgz'.split(''));
    fc.assert(
      fc.property(fc.array(hex, { maxLength: 66 }), fc.nat(33), (cs, n) => {
        const s = cs.join('');
        expect(isHex(s, n)).toBe(oldIsHex(s, n));
        expect(isHex(s, s.length >> 1)).toBe(oldIsHex(s, s.length >> 1));
      }),
      { numRuns: 3000, seed: 8 }
    );
  });
});

describe('signatureInputsOfLine carves messages from shared slabs', () => {
  it('all 10k demo messages, kept alive together, still equal signedMessage (no overlap across slabs)', () => {
    const envs = lines.map((l, i) => {
      const r = parseEnvelope(l, i);
      if (!r.ok) throw new Error(r.finding.message);
      return r.value;
    });
    const msgs = lines.map((l) => signatureInputsOfLine(l)!.msg);
    const buffers = new Set(msgs.map((m) => m.buffer));
    expect(buffers.size).toBeGreaterThan(1);
    expect(buffers.size).toBeLessThan(msgs.length / 10);
    for (let i = 0; i < msgs.length; i++) expect(Buffer.from(msgs[i]!).equals(Buffer.from(signedMessage(envs[i]!)))).toBe(true);
  });
});
