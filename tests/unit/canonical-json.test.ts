// Canonical JSON (BUNDLE_FORMAT.md §2) against python3's own json.dumps(sort_keys=True,
// separators=(",", ":"), ensure_ascii=True), byte for byte, over one corpus run in one python call.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import {
  CanonicalJsonError,
  MAX_DEPTH,
  PyFloat,
  canonicalBytes,
  canonicalize,
  canonicalizePython,
  compareCodePoints,
  parseCanonical,
  parseStrict,
  pythonFloatRepr,
  quoteString,
  type Json
} from '../../src/lib/core/canonical-json';

const havePython = spawnSync('python3', ['--version']).status === 0;
if (!havePython) console.warn('canonical-json: python3 not found; the python comparisons are skipped');

/** Run a python3 program over stdin lines; returns stdout lines. */
function python(program: string, lines: string[]): string[] {
  const r = spawnSync('python3', ['-c', program], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout.split('\n').slice(0, lines.length);
}

const DUMPS = `import sys, json
for line in sys.stdin:
    v = json.loads(line)
    sys.stdout.write(json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\\n")`;

function deep(n: number): Json {
  let v: Json = 'bottom';
  for (let i = 0; i < n; i++) v = i % 2 ? [v, i] : { [`k${i}`]: v, z: null };
  return v;
}

const allControl = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
const corpus: Json[] = [
  null, true, false, 0, -1, 1, 42, -42, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 2 ** 52, -(2 ** 31),
  '', 'plain', 'quote " backslash \\ slash /', allControl, '\u007f DEL', '\u0080\u00ff', 'é ü ß ñ', '日本語', 'emoji 😀 👍🏽',
  '\ud834\udd1e G clef', '\uffff\ue000\ufeff', '\u2028\u2029', 'tab\tnewline\ncr\rbs\bff\f',
  [], {}, [[]], [{}], { '': '' }, { a: [] , b: {} },
  { b: 1, a: 2, c: { z: 1, y: [3, 2, 1] } },
  // Keys whose order differs between UTF-16 code units and code points: U+FF5E vs U+1F600.
  { '\uff5e': 1, '😀': 2, '\ue000': 3, a: 4, 'é': 5, '\u0000': 6, A: 7, '\ud800\udc00': 8 },
  { 'a😀': 1, 'a\uffff': 2, a: 3, 'aa': 4 },
  deep(200),
  Array.from({ length: 50 }, (_, i) => ({ [`key${(i * 7919) % 50}`]: i, n: -i }))
];

describe('canonicalize vs python3 json.dumps', () => {
  it.skipIf(!havePython)('the whole corpus, byte for byte', () => {
    const got = corpus.map((v) => canonicalize(v));
    const want = python(DUMPS, corpus.map((v) => JSON.stringify(v)));
    expect(got).toEqual(want);
    for (const s of got) expect(/^[\x20-\x7e]*$/.test(s)).toBe(true);
  });

  it.skipIf(!havePython)('fast-check: random JSON values (with astral strings) agree with python3', () => {
    const values = fc.sample(
      fc.jsonValue({ maxDepth: 4, noUnicodeString: false }).map((v) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isSafeInteger(x) ? Math.trunc(x) % 1e9 : x))) as Json),
      { numRuns: 250, seed: 20261126 }
    );
    const safe = values.filter((v) => {
      try {
        canonicalize(v);
        return true;
      } catch {
        return false; // lone surrogates from the generator are rejected; tested separately
      }
    });
    expect(safe.length).toBeGreaterThan(180);
    expect(safe.map((v) => canonicalize(v))).toEqual(python(DUMPS, safe.map((v) => JSON.stringify(v))));
  });

  it('canonicalBytes is the ASCII of the text', () => {
    expect([...canonicalBytes({ b: 'é', a: 1 })]).toEqual([...Buffer.from('{"a":1,"b":"\\u00e9"}', 'ascii')]);
  });
});

describe('python-mode floats vs python3 repr', () => {
  const special = [0.1, 0.2, 0.30000000000000004, 1e16, 1e15, 123456789012345680, 1e-5, 1e-4, 0.0001, 0.00001234, 5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, 1.5, -1.5, 100.0, 1e22, 1e21, 2 ** 53 + 2, 3.14159, -0.0, 0.0, 2.5e-7, 1234.5678];
  it.skipIf(!havePython)('pythonFloatRepr matches repr() on special and 2,000 random doubles', () => {
    const rnd = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 1000, seed: 7 });
    const nice = fc.sample(fc.integer({ min: -1e9, max: 1e9 }).chain((m) => fc.integer({ min: -30, max: 30 }).map((e) => m * 10 ** e)), { numRuns: 1000, seed: 8 })
      .filter((x) => Number.isFinite(x));
    const xs = [...special, ...rnd, ...nice];
    const hex = xs.map((x) => {
      const b = Buffer.alloc(8);
      b.writeDoubleBE(x);
      return b.toString('hex');
    });
    const want = python('import sys, struct\nfor l in sys.stdin:\n    sys.stdout.write(repr(struct.unpack(">d", bytes.fromhex(l.strip()))[0]) + "\\n")', hex);
    expect(xs.map(pythonFloatRepr)).toEqual(want);
  });
  it.skipIf(!havePython)('QFS-style python documents round-trip exactly (floats, big ints)', () => {
    const docs = [
      '{"score": 0.1, "big": 123456789012345678901234567890, "neg": -1e-7, "x": [1.0, 2.5e+20, 1e16]}',
      '{"b": {"z": 3.0, "a": -0.0}, "a": 18446744073709551616}'
    ];
    const got = docs.map((d) => canonicalizePython(parseStrict(d, { mode: 'python' })));
    expect(got).toEqual(python(DUMPS, docs));
  });
  it('non-finite floats are refused', () => {
    expect(() => pythonFloatRepr(Infinity)).toThrow(CanonicalJsonError);
    expect(() => canonicalizePython(new PyFloat(NaN))).toThrow(CanonicalJsonError);
  });
});

describe('parseCanonical rejects non-canonical input with a stable reason', () => {
  const reason = (t: string): string => {
    try {
      parseCanonical(t);
      return 'ok';
    } catch (e) {
      return e instanceof CanonicalJsonError ? e.reason : `other: ${String(e)}`;
    }
  };
  it('accepts canonical text and returns the value', () => {
    expect(parseCanonical('{"a":[1,"\\u00e9",null],"b":true}')).toEqual({ a: [1, 'é', null], b: true });
    expect(reason(canonicalize(deep(200)))).toBe('ok');
  });
  it('reasons', () => {
    expect(reason('{"a":1.0}')).toBe('float');
    expect(reason('1e5')).toBe('float');
    expect(reason('{"a":1,"a":1}')).toBe('duplicate-key');
    expect(reason('{"a":1,"a":2}')).toBe('duplicate-key');
    expect(reason('"\\ud800"')).toBe('lone-surrogate');
    expect(reason('"\\udc00x"')).toBe('lone-surrogate');
    expect(reason('9007199254740992')).toBe('unsafe-integer');
    expect(reason('-9007199254740992')).toBe('unsafe-integer');
    expect(reason(' {}')).toBe('not-canonical');
    expect(reason('{"b":1,"a":2}')).toBe('not-canonical');
    expect(reason('{"a": 1}')).toBe('not-canonical');
    expect(reason('"\\u0041"')).toBe('not-canonical');
    expect(reason('"é"')).toBe('not-canonical');
    expect(reason('"\\u00E9"')).toBe('not-canonical');
    expect(reason('"\\/"')).toBe('not-canonical');
    expect(reason('-0')).toBe('not-canonical');
    expect(reason('{"a":1')).toBe('syntax');
    expect(reason('[1,]')).toBe('syntax');
    expect(reason('01')).toBe('syntax');
    expect(reason('"a\u0001"')).toBe('syntax');
    expect(reason('[1] x')).toBe('syntax');
  });
  it('too deep nesting is refused, not a stack overflow', () => {
    const t = '['.repeat(MAX_DEPTH + 5) + ']'.repeat(MAX_DEPTH + 5);
    expect(['too-deep', 'not-canonical']).toContain(reason(t));
    expect(() => parseStrict(t)).toThrow(CanonicalJsonError);
  });
  it('canonicalize refuses values that have no canonical form', () => {
    const bad = (v: unknown) => {
      try {
        canonicalize(v as Json);
        return 'ok';
      } catch (e) {
        return (e as CanonicalJsonError).reason;
      }
    };
    expect(bad(1.5)).toBe('float');
    expect(bad(2 ** 53)).toBe('unsafe-integer');
    expect(bad(10n)).toBe('unsafe-integer');
    expect(bad('\ud800')).toBe('lone-surrogate');
    expect(bad({ a: undefined })).toBe('unsupported-value');
    expect(bad(new Date(0))).toBe('unsupported-value');
    expect(bad(() => 1)).toBe('unsupported-value');
  });
  it('property: parseCanonical(canonicalize(v)) round-trips to the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (raw) => {
        let text: string;
        try {
          text = canonicalize(JSON.parse(JSON.stringify(raw)) as Json);
        } catch {
          return;
        }
        expect(canonicalize(parseCanonical(text))).toBe(text);
      }),
      { numRuns: 300 }
    );
  });
  it('code-point order', () => {
    expect(compareCodePoints('\uff5e', '\ud83d\ude00')).toBeLessThan(0);
    expect('\uff5e' < '\ud83d\ude00').toBe(false); // UTF-16 order disagrees
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0);
    expect(quoteString('\ud83d\ude00')).toBe('"\\ud83d\\ude00"');
  });
});
