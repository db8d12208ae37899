// Byte helpers shared by every core module. Bytes are Uint8Array; hex and base64 appear only at
// the edges (JSON fields, notes, display). Decoders are strict: they reject what they would not
// themselves produce, so every accepted encoding is canonical (STYLE.md 7).

const HEX = '0123456789abcdef';

// Hex and base64 text is produced as one flat string (bytes of ASCII codes through TextDecoder)
// rather than by `+=`: V8 keeps a `+=`-built string as a rope of one cons cell per step until it is
// flattened, so a retained 64-digit hash cost ~2 KB instead of ~80 B (issue 7 heap profile: ropes
// were a third of the replay's retained heap).
const ASCII = new TextDecoder('utf-8');
const HEX_CODES = new Uint16Array(256);
for (let i = 0; i < 256; i++) HEX_CODES[i] = (HEX.charCodeAt(i >> 4) << 8) | HEX.charCodeAt(i & 15);

// Up to 64 bytes (hashes, keys, weights: most calls) the codes go into a reused array and
// String.fromCharCode makes the string, also flat in one allocation: ~1.7x faster than
// TextDecoder in Chromium, whose per-call cost dominates at this size (issue 7).
const SHORT_HEX = 64;
const HEX_SCRATCH: number[][] = [];

export function toHex(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= SHORT_HEX) {
    const codes = (HEX_SCRATCH[n] ??= new Array<number>(2 * n).fill(0));
    for (let i = 0; i < n; i++) {
      const c = HEX_CODES[bytes[i]!]!;
      codes[2 * i] = c >> 8;
      codes[2 * i + 1] = c & 0xff;
    }
    return String.fromCharCode.apply(null, codes);
  }
  const out = new Uint8Array(n * 2);
  for (let i = 0; i < bytes.length; i++) {
    const c = HEX_CODES[bytes[i]!]!;
    out[2 * i] = c >> 8;
    out[2 * i + 1] = c & 0xff;
  }
  return ASCII.decode(out);
}

/** Lowercase hex digit values by ASCII code, -1 elsewhere (a table: ~1.5x faster than two ranges). */
const HEX_REV = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_REV[HEX.charCodeAt(i)] = i;
const hexNibble = (c: number): number => (c < 128 ? HEX_REV[c]! : -1);

/** Lower-case hex only; returns null on any other input (odd length, upper case, junk). */
export function fromHex(hex: string): Uint8Array | null {
  if (hex.length % 2 !== 0) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexNibble(hex.charCodeAt(2 * i));
    const lo = hexNibble(hex.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** fromHex(s) would give `bytes` bytes; checked without decoding (once per event field: issue 7). */
export function isHex(s: string, bytes: number): boolean {
  if (s.length !== bytes * 2) return false;
  for (let i = 0; i < s.length; i++) if (hexNibble(s.charCodeAt(i)) < 0) return false;
  return true;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_REV = new Int16Array(128).fill(-1);
const B64_CODES = Uint8Array.from(B64, (c) => c.charCodeAt(0));
for (let i = 0; i < 64; i++) B64_REV[B64.charCodeAt(i)] = i;

/** RFC 4648 §4 base64, standard alphabet, padded. */
export function toBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = B64_CODES[n >> 18]!;
    out[o++] = B64_CODES[(n >> 12) & 63]!;
    out[o++] = B64_CODES[(n >> 6) & 63]!;
    out[o++] = B64_CODES[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out[o++] = B64_CODES[n >> 18]!;
    out[o++] = B64_CODES[(n >> 12) & 63]!;
    out[o++] = 61;
    out[o++] = 61;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out[o++] = B64_CODES[n >> 18]!;
    out[o++] = B64_CODES[(n >> 12) & 63]!;
    out[o++] = B64_CODES[(n >> 6) & 63]!;
    out[o++] = 61;
  }
  return ASCII.decode(out);
}

/** The sextet of a base64 alphabet code unit, or -1 ('=' included). */
const sextet = (c: number): number => (c < 128 ? B64_REV[c]! : -1);

/** Padding of strict base64 text: the number of trailing '=' (0–2; a third is caught as a bad sextet). */
function padding(s: string): number {
  const n = s.length;
  if (n === 0 || s.charCodeAt(n - 1) !== 61) return 0;
  return s.charCodeAt(n - 2) === 61 ? 2 : 1;
}

/**
 * Strict base64 decode: standard alphabet, mandatory padding, and zero padding bits. Returns null
 * on anything else, so that one byte string has exactly one accepted text form (Go and Node accept
 * non-zero padding bits; we do not: tlog-formats.md §6).
 */
export function fromBase64(s: string): Uint8Array | null {
  if (s.length % 4 !== 0) return null;
  // The same decode as the bytes of an event line (fromBase64Ascii); a code unit outside ASCII is
  // not in the alphabet, so it becomes a byte that is not either (0xff) and the text is refused.
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    b[i] = c < 128 ? c : 0xff;
  }
  return fromBase64Ascii(b, 0, b.length);
}

/**
 * fromBase64 of the ASCII text b[start, end), read from the bytes without building a string (an
 * event's key and signature cut from its line: issue 7). fromBase64 decodes through it.
 */
export function fromBase64Ascii(b: Uint8Array, start: number, end: number): Uint8Array | null {
  const n = end - start;
  if (n % 4 !== 0 || start < 0 || end > b.length) return null;
  const pad = n === 0 || b[end - 1] !== 61 ? 0 : b[end - 2] === 61 ? 2 : 1;
  const full = pad ? end - 4 : end;
  const out = new Uint8Array((n / 4) * 3 - pad);
  let o = 0;
  for (let i = start; i < full; i += 4) {
    const a = sextet(b[i]!);
    const c1 = sextet(b[i + 1]!);
    const c2 = sextet(b[i + 2]!);
    const d = sextet(b[i + 3]!);
    if ((a | c1 | c2 | d) < 0) return null;
    const x = (a << 18) | (c1 << 12) | (c2 << 6) | d;
    out[o++] = x >> 16;
    out[o++] = (x >> 8) & 255;
    out[o++] = x & 255;
  }
  if (pad) {
    const a = sextet(b[full]!);
    const c1 = sextet(b[full + 1]!);
    const c2 = pad === 1 ? sextet(b[full + 2]!) : 0;
    if ((a | c1 | c2) < 0) return null;
    const x = (a << 18) | (c1 << 12) | (c2 << 6);
    if ((x & (pad === 1 ? 0xff : 0xffff)) !== 0) return null;
    out[o++] = x >> 16;
    if (pad === 1) out[o++] = (x >> 8) & 255;
  }
  return out;
}

/** fromBase64(s)?.length === bytes, checked without decoding (key and sig of every event: issue 7). */
export function isBase64Of(s: string, bytes: number): boolean {
  if (s.length !== Math.ceil(bytes / 3) * 4) return false;
  const pad = padding(s);
  if (pad !== (3 - (bytes % 3)) % 3) return false;
  const full = pad ? s.length - 4 : s.length;
  for (let i = 0; i < full; i++) if (sextet(s.charCodeAt(i)) < 0) return false;
  if (!pad) return true;
  const a = sextet(s.charCodeAt(full));
  const b = sextet(s.charCodeAt(full + 1));
  const c = pad === 1 ? sextet(s.charCodeAt(full + 2)) : 0;
  if ((a | b | c) < 0) return false;
  return pad === 1 ? (c & 3) === 0 : (b & 15) === 0;
}

// Text of bytes already known to be ASCII (a canonical event line), made in JS rather than by
// TextDecoder. In Chromium, TextDecoder.decode returns an external string whose characters live in
// Blink's buffer partition; a parsed line dies at once, but V8 sees only its small header, so the
// lines promoted by scavenges piled up there until a full GC (issue 7: 60 MB of the Chromium 1M
// peak; 4 MB this way). Chunks through reused plain arrays: String.fromCharCode.apply on one is a
// flat one-byte string; on a typed array it takes V8's slow path. Chromium: +0.65 µs per line.
const ASCII_CHUNK = 128;
const ASCII_SCRATCH: number[][] = [];

/** The string whose code units are `bytes` (each < 0x80 by the caller's check; not checked here). */
export function asciiText(bytes: Uint8Array): string {
  let out = '';
  for (let o = 0; o < bytes.length; o += ASCII_CHUNK) {
    const n = Math.min(ASCII_CHUNK, bytes.length - o);
    const codes = (ASCII_SCRATCH[n] ??= new Array<number>(n).fill(0));
    for (let i = 0; i < n; i++) codes[i] = bytes[o + i]!;
    out = o === 0 ? String.fromCharCode.apply(null, codes) : out + String.fromCharCode.apply(null, codes);
  }
  return out;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Strict UTF-8 decode; returns null on invalid UTF-8 instead of inserting U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A copy of `a` in a new array of the same kind with room for `length` elements (length ≥ a.length). */
export function resized<T extends Uint8Array | Int32Array | Uint32Array | Float64Array>(a: T, length: number): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Big-endian unsigned 64-bit encoding of a non-negative safe integer or bigint. */
export function u64be(n: number | bigint): Uint8Array {
  let v = BigInt(n);
  if (v < 0n || v >= 1n << 64n) throw new RangeError(`u64 out of range: ${v}`);
  const out = new Uint8Array(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(v & 255n);
    v >>= 8n;
  }
  return out;
}
