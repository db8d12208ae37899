// Canonical JSON (docs/BUNDLE_FORMAT.md §2): exactly the bytes Python writes with
//   json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
// encoded as UTF-8. Because ensure_ascii escapes everything outside printable ASCII, the output is
// pure ASCII and its UTF-8 bytes equal its code units.
//
// Bundle values (mode 'canonical'): integers within ±(2^53−1) only; amounts and larger integers
// are decimal strings. Floats, duplicate keys, lone surrogates and non-canonical text are errors.
// Python mode (QFS artifacts, which are written by Python and do contain floats and big ints)
// keeps floats as PyFloat and big integers as bigint so they re-serialise exactly as Python would.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A float read in python mode; serialised with Python's repr(float). */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** JSON values as read in python mode. */
export type PyJson = null | boolean | number | bigint | PyFloat | string | PyJson[] | { [key: string]: PyJson };

export type CanonicalReason =
  | 'syntax'
  | 'duplicate-key'
  | 'float'
  | 'unsafe-integer'
  | 'lone-surrogate'
  | 'not-canonical'
  | 'unsupported-value'
  | 'too-deep';

/** Raised for input that is not canonical JSON; `reason` is stable, the message names the value. */
export class CanonicalJsonError extends Error {
  constructor(
    readonly reason: CanonicalReason,
    message: string,
    readonly offset?: number
  ) {
    super(message);
    this.name = 'CanonicalJsonError';
  }
}

export const MAX_DEPTH = 512;

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };
const hex4 = (c: number): string => '\\u' + c.toString(16).padStart(4, '0');

/** Python json.dumps string encoding with ensure_ascii=True; lone surrogates are rejected. */
export function quoteString(s: string): string {
  // Fast path: printable ASCII without quote or backslash.
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) {
      plain = false;
      break;
    }
  }
  if (plain) return '"' + s + '"';
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) {
      out += s[i];
    } else if (SHORT_ESCAPES[c] !== undefined) {
      out += SHORT_ESCAPES[c];
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) throw new CanonicalJsonError('lone-surrogate', `lone surrogate U+${c.toString(16).toUpperCase()} in string`);
      out += hex4(c) + hex4(d);
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw new CanonicalJsonError('lone-surrogate', `lone surrogate U+${c.toString(16).toUpperCase()} in string`);
    } else {
      out += hex4(c);
    }
  }
  return out + '"';
}

/** Compare by Unicode code point, as Python's str ordering does (UTF-16 order differs above U+D7FF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (astral code point) sorts above every BMP code point, including U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  let simple = true;
  // Parsed canonical input is already in order (JSON.parse keeps the text's order): check, and
  // sort only when needed (issue 7: the sort per object was ~2 % of a replay).
  let sorted = true;
  for (let j = 0; j < keys.length; j++) {
    const k = keys[j]!;
    if (j > 0 && !(keys[j - 1]! < k)) sorted = false;
    for (let i = 0; i < k.length; i++) {
      const c = k.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdfff) {
        simple = false;
        break;
      }
    }
    if (!simple) break;
  }
  // Without surrogates, UTF-16 order (`<`, the default sort) is code point order.
  if (simple) return sorted ? keys : keys.sort();
  return keys.sort(compareCodePoints);
}

/** Python repr(float): shortest round-trip digits, exponent form when exp10 < -4 or >= 16. */
export function pythonFloatRepr(x: number): string {
  if (!Number.isFinite(x)) throw new CanonicalJsonError('float', `non-finite float ${x}`);
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expPart] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expPart);
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      const intLen = exp + 1;
      const intPart = digits.length >= intLen ? digits.slice(0, intLen) : digits + '0'.repeat(intLen - digits.length);
      const frac = digits.length > intLen ? digits.slice(intLen) : '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${m}e${exp < 0 ? '-' : '+'}${e}`;
}

function encode(v: unknown, depth: number, python: boolean): string {
  if (depth > MAX_DEPTH) throw new CanonicalJsonError('too-deep', `nesting deeper than ${MAX_DEPTH}`);
  switch (typeof v) {
    case 'string':
      return quoteString(v);
    case 'number':
      if (!Number.isInteger(v)) {
        if (python) return pythonFloatRepr(v);
        throw new CanonicalJsonError('float', `float ${v} is not allowed; amounts are decimal strings`);
      }
      if (!Number.isSafeInteger(v)) throw new CanonicalJsonError('unsafe-integer', `integer ${v} is outside ±(2^53−1); use a decimal string`);
      return Object.is(v, -0) ? '0' : String(v);
    case 'bigint':
      if (!python) throw new CanonicalJsonError('unsafe-integer', `bigint ${v} is not allowed; use a decimal string`);
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (v instanceof PyFloat) {
        if (!python) throw new CanonicalJsonError('float', `float ${v.value} is not allowed`);
        return pythonFloatRepr(v.value);
      }
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + encode(v[i], depth + 1, python);
        return out + ']';
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw new CanonicalJsonError('unsupported-value', 'only plain objects can be encoded');
      const rec = v as Record<string, unknown>;
      let out = '{';
      let first = true;
      for (const k of sortedKeys(rec)) {
        const item = rec[k];
        if (item === undefined) throw new CanonicalJsonError('unsupported-value', `key ${quoteString(k)} is undefined`);
        out += (first ? '' : ',') + quoteString(k) + ':' + encode(item, depth + 1, python);
        first = false;
      }
      return out + '}';
    }
    default:
      throw new CanonicalJsonError('unsupported-value', `cannot encode a ${typeof v}`);
  }
}

/** Canonical JSON text of a bundle value (pure ASCII). */
export function canonicalize(value: Json): string {
  return encode(value, 0, false);
}

/** Python json.dumps(sort_keys=True, separators=(",", ":")) of a value read in python mode. */
export function canonicalizePython(value: PyJson): string {
  return encode(value, 0, true);
}

/** Canonical JSON as bytes. The text is ASCII, so this is a direct code-unit copy. */
export function canonicalBytes(value: Json): Uint8Array {
  return asciiBytes(canonicalize(value));
}

export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/**
 * Parse text that must already be canonical JSON. JSON.parse then re-encode and compare: any
 * duplicate key, float, unsafe integer, lone surrogate, whitespace or key-order difference makes
 * the re-encoding differ. On failure the strict parser runs to name the exact reason.
 */
export function parseCanonical(text: string): Json {
  let value: Json;
  try {
    value = JSON.parse(text) as Json;
  } catch {
    parseStrict(text); // throws a precise syntax error
    throw new CanonicalJsonError('syntax', 'invalid JSON');
  }
  let again: string;
  try {
    again = canonicalize(value);
  } catch (e) {
    if (e instanceof CanonicalJsonError) {
      parseStrict(text);
      throw e;
    }
    throw e;
  }
  if (again !== text) {
    parseStrict(text); // duplicate keys, floats, big ints, lone surrogates are named here
    throw new CanonicalJsonError('not-canonical', `not canonical JSON (first difference at byte ${firstDiff(text, again)})`, firstDiff(text, again));
  }
  return value;
}

/**
 * The nesting depth of `bytes` (a scalar is 0, a container 1 + its deepest member) when one scan
 * proves them canonical JSON text (§2), else -1. The proof is by grammar: only the forms canonicalize
 * writes are accepted (no whitespace; `-?(0|[1-9][0-9]*)` within ±(2^53−1), not `-0`; strings of
 * printable ASCII with exactly quoteString's escapes, surrogates only in pairs; object keys in
 * strictly increasing byte order, so no duplicates), so JSON.parse of accepted bytes re-encodes to
 * them. -1 is "not proven", not "not canonical": keys with escapes, nesting deeper than
 * FAST_DEPTH and every error go to parseCanonical, which decides and names the reason (issue 7:
 * parse, re-encode and compare was ~60 % of parsing an event line). Allocates nothing.
 */
export function canonicalDepth(bytes: Uint8Array): number {
  scanMax = 0;
  const end = scanValue(bytes, 0, 0);
  return end === bytes.length ? scanMax : -1;
}

/** Deeper input is left to parseCanonical (bundle payloads nest at most 16: LIMITS.payloadDepth). */
const FAST_DEPTH = 64;
let scanMax = 0;

/** Index after the value at `i` (at nesting `depth`), or -1. */
function scanValue(b: Uint8Array, i: number, depth: number): number {
  const c = b[i];
  if (c === 0x22) return scanString(b, i + 1, true);
  if (c === 0x7b || c === 0x5b) {
    if (depth >= FAST_DEPTH) return -1;
    if (depth + 1 > scanMax) scanMax = depth + 1;
    return c === 0x7b ? scanObject(b, i + 1, depth + 1) : scanArray(b, i + 1, depth + 1);
  }
  if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) return scanInteger(b, i);
  if (c === 0x74) return b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 ? i + 4 : -1; // true
  if (c === 0x66) return b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65 ? i + 5 : -1; // false
  if (c === 0x6e) return b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? i + 4 : -1; // null
  return -1;
}

/** `i` is after '{'. Keys are escape-free strings, each greater (bytewise) than the one before. */
function scanObject(b: Uint8Array, i: number, depth: number): number {
  if (b[i] === 0x7d) return i + 1;
  let prevStart = -1;
  let prevEnd = -1;
  for (;;) {
    if (b[i] !== 0x22) return -1;
    const start = i + 1;
    const end = scanString(b, start, false);
    if (end < 0) return -1;
    // Plain ASCII keys: byte order is code point order (Python's sort) and UTF-16 order (canonicalize's).
    if (prevStart >= 0 && !bytesAfter(b, start, end - 1, prevStart, prevEnd - 1)) return -1;
    prevStart = start;
    prevEnd = end;
    if (b[end] !== 0x3a) return -1;
    i = scanValue(b, end + 1, depth);
    if (i < 0) return -1;
    const c = b[i];
    if (c === 0x7d) return i + 1;
    if (c !== 0x2c) return -1;
    i++;
  }
}

/** b[s, e) > b[ps, pe) in byte order (a proper prefix is smaller). */
function bytesAfter(b: Uint8Array, s: number, e: number, ps: number, pe: number): boolean {
  const n = Math.min(e - s, pe - ps);
  for (let k = 0; k < n; k++) {
    const x = b[s + k]!;
    const y = b[ps + k]!;
    if (x !== y) return x > y;
  }
  return e - s > pe - ps;
}

/** `i` is after '['. */
function scanArray(b: Uint8Array, i: number, depth: number): number {
  if (b[i] === 0x5d) return i + 1;
  for (;;) {
    i = scanValue(b, i, depth);
    if (i < 0) return -1;
    const c = b[i];
    if (c === 0x5d) return i + 1;
    if (c !== 0x2c) return -1;
    i++;
  }
}

/** Index after a canonical integer at `i` within ±(2^53−1), or -1. The caller checks what follows. */
function scanInteger(b: Uint8Array, i: number): number {
  const neg = b[i] === 0x2d;
  if (neg) i++;
  const start = i;
  const first = b[i];
  if (first === 0x30) return neg ? -1 : i + 1; // "0"; "-0" re-encodes as "0"; "01" fails at the caller
  if (first === undefined || first < 0x31 || first > 0x39) return -1;
  let v = 0;
  for (;;) {
    const c = b[i];
    if (c === undefined || c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    i++;
  }
  // Up to 16 digits the running value is exact below 2^53 and rounds to ≥ 2^53 above it.
  return i - start <= 16 && v <= Number.MAX_SAFE_INTEGER ? i : -1;
}

const hexValue = (c: number | undefined): number => (c === undefined ? -1 : c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);

/** The code unit of a lowercase `\uXXXX` escape whose 'u' is at `i`, or -1. */
function unicodeEscape(b: Uint8Array, i: number): number {
  const a = hexValue(b[i + 1]);
  const x = hexValue(b[i + 2]);
  const y = hexValue(b[i + 3]);
  const z = hexValue(b[i + 4]);
  return a < 0 || x < 0 || y < 0 || z < 0 ? -1 : (a << 12) | (x << 8) | (y << 4) | z;
}

/**
 * `i` is after the opening quote; index after the closing one, or -1. Exactly quoteString's forms:
 * printable ASCII except '"' and '\'; the short escapes \" \\ \n \r \t \b \f; lowercase \uXXXX for
 * every other code unit, a high surrogate only followed by an escaped low one. Without `escapes`
 * (object keys) any backslash gives -1.
 */
function scanString(b: Uint8Array, i: number, escapes: boolean): number {
  for (;;) {
    const c = b[i];
    if (c === 0x22) return i + 1;
    if (c === undefined || c < 0x20 || c > 0x7e) return -1;
    if (c !== 0x5c) {
      i++;
      continue;
    }
    if (!escapes) return -1;
    const e = b[i + 1];
    if (e === 0x22 || e === 0x5c || e === 0x6e || e === 0x72 || e === 0x74 || e === 0x62 || e === 0x66) {
      i += 2;
      continue;
    }
    if (e !== 0x75) return -1;
    const u = unicodeEscape(b, i + 1);
    if (u < 0 || (u >= 0x20 && u <= 0x7e) || u === 0x08 || u === 0x09 || u === 0x0a || u === 0x0c || u === 0x0d || (u >= 0xdc00 && u <= 0xdfff)) return -1;
    i += 6;
    if (u >= 0xd800 && u <= 0xdbff) {
      if (b[i] !== 0x5c || b[i + 1] !== 0x75) return -1;
      const low = unicodeEscape(b, i + 1);
      if (low < 0xdc00 || low > 0xdfff) return -1;
      i += 6;
    }
  }
}

function firstDiff(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Strict parser: RFC 8259 plus the bundle's rules. Used for diagnostics and, in python mode, to
// read QFS artifacts losslessly.

export interface ParseOptions {
  /** 'canonical' rejects floats and unsafe integers; 'python' keeps them as PyFloat / bigint. */
  mode?: 'canonical' | 'python';
}

export function parseStrict(text: string, options: { mode: 'python' }): PyJson;
export function parseStrict(text: string, options?: { mode?: 'canonical' }): Json;
export function parseStrict(text: string, options: ParseOptions = {}): PyJson {
  const python = options.mode === 'python';
  let i = 0;
  const fail = (reason: CanonicalReason, msg: string, at = i): never => {
    throw new CanonicalJsonError(reason, `${msg} at offset ${at}`, at);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let runStart = i;
    for (;;) {
      if (i >= text.length) fail('syntax', 'unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(runStart, i);
        i++;
        break;
      }
      if (c < 0x20) fail('syntax', 'control character in string');
      if (c === 0x5c) {
        out += text.slice(runStart, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const h = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('syntax', 'bad \\u escape');
          out += String.fromCharCode(parseInt(h, 16));
          i += 6;
        } else fail('syntax', 'bad escape');
        runStart = i;
        continue;
      }
      i++;
    }
    // Lone surrogates (raw or escaped) are rejected: they have no UTF-8 form.
    for (let k = 0; k < out.length; k++) {
      const c = out.charCodeAt(k);
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = out.charCodeAt(k + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          k++;
          continue;
        }
        fail('lone-surrogate', 'lone surrogate in string', start);
      } else if (c >= 0xdc00 && c <= 0xdfff) fail('lone-surrogate', 'lone surrogate in string', start);
    }
    return out;
  };
  const parseNumber = (): number | bigint | PyFloat => {
    const start = i;
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('syntax', 'bad number');
    i += m[0].length;
    if (m[2] !== undefined || m[3] !== undefined) {
      if (!python) fail('float', `float ${m[0]} is not allowed; amounts are decimal strings`, start);
      return new PyFloat(Number(m[0]));
    }
    const n = Number(m[0]);
    if (!Number.isSafeInteger(n)) {
      if (!python) fail('unsafe-integer', `integer ${m[0]} is outside ±(2^53−1); use a decimal string`, start);
      return BigInt(m[0]);
    }
    return n;
  };
  const parseValue = (depth: number): PyJson => {
    if (depth > MAX_DEPTH) fail('too-deep', `nesting deeper than ${MAX_DEPTH}`);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: { [k: string]: PyJson } = Object.create(null);
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('syntax', 'expected a key');
        const keyAt = i;
        const k = parseString();
        if (seen.has(k)) fail('duplicate-key', `duplicate key ${quoteString(k)}`, keyAt);
        seen.add(k);
        ws();
        if (text[i] !== ':') fail('syntax', "expected ':'");
        i++;
        obj[k] = parseValue(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          break;
        }
        fail('syntax', "expected ',' or '}'");
      }
      return obj;
    }
    if (c === '[') {
      i++;
      const arr: PyJson[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(parseValue(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          break;
        }
        fail('syntax', "expected ',' or ']'");
      }
      return arr;
    }
    if (c === '"') return parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return parseNumber();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    return fail('syntax', c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`);
  };
  const value = parseValue(0);
  ws();
  if (i !== text.length) fail('syntax', 'trailing characters');
  return value;
}
