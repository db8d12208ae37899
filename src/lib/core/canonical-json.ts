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
