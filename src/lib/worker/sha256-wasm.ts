// SHA-256 (FIPS 180-4 §6.2) in WebAssembly, for the two digests a browser signature worker computes
// per event: the event id SHA-256(msg) and the log leaf SHA-256(0x00 ‖ line) (core signature-batch.ts
// answerPacked, BUNDLE_FORMAT.md §4-§5). Issue 7: in a Chromium worker, 5,000 events' two digests
// took 36-51 ms the first time and 23-32 ms warm here, against 56-117 and 36-55 ms with core's JS
// one-shot (sha256-oneshot.ts), whose first calls run in V8's interpreter until it is optimised.
//
// The module is assembled here, from this file, when a worker starts (about 9 KB, no binary is
// shipped or fetched): one function compresses a block (the 64 rounds unrolled, the schedule in 16
// locals), one pads a message in place and hashes it. A host whose CSP forbids WebAssembly, or an
// engine without it, gets null from createWasmBatchDigests, and core's JS one-shot is used instead;
// both compute the same function (tests/unit/worker/sha256-wasm.test.ts checks it against
// node:crypto).

import { signedMessageLength, signedMessageOfCut } from '../core/envelope';
import { DIGEST_BYTES, type BatchDigests, type PackedSignatures } from '../core/signature-batch';
import { SHA256_H0 as IV, SHA256_K as K } from '../core/sha256-oneshot';

// --- A small WebAssembly assembler: each helper appends the instruction's bytes to `code`, so an
// expression is written operands first, as the stack machine runs it.
const OP = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, call: 0x10,
  localGet: 0x20, localSet: 0x21, globalGet: 0x23, globalSet: 0x24,
  load: 0x28, store: 0x36, store8: 0x3a, const: 0x41,
  eq: 0x46, geU: 0x4f, add: 0x6a, sub: 0x6b, and: 0x71, or: 0x72, xor: 0x73, shl: 0x74, shrU: 0x76, rotl: 0x77, rotr: 0x78
} as const;
const VOID = 0x40;
const I32 = 0x7f;

function uleb(out: number[], n: number): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(out: number[], n: number): void {
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return void out.push(b);
    out.push(b | 0x80);
  }
}

class Body {
  readonly code: number[] = [];
  op(o: number): this {
    this.code.push(o);
    return this;
  }
  /** An instruction with one unsigned immediate (a local or global index). */
  indexed(o: number, i: number): this {
    this.code.push(o);
    uleb(this.code, i);
    return this;
  }
  get(i: number): this {
    return this.indexed(OP.localGet, i);
  }
  set(i: number): this {
    return this.indexed(OP.localSet, i);
  }
  gget(i: number): this {
    return this.indexed(OP.globalGet, i);
  }
  gset(i: number): this {
    return this.indexed(OP.globalSet, i);
  }
  i32(n: number): this {
    this.code.push(OP.const);
    sleb(this.code, n);
    return this;
  }
  /** Memory access: align as a power of two, and a static offset. */
  mem(o: number, align: number, offset: number): this {
    this.code.push(o, align);
    uleb(this.code, offset);
    return this;
  }
  /** Byte-swap the i32 on the stack (big-endian words from little-endian memory): needs a scratch local. */
  bswap(scratch: number): this {
    return this.set(scratch).get(scratch).i32(8).op(OP.rotl).i32(0x00ff00ff).op(OP.and).get(scratch).i32(8).op(OP.rotr).i32(0xff00ff00 | 0).op(OP.and).op(OP.or);
  }
  /** rotr(x, a) ^ rotr(x, b) ^ (rotr or shr)(x, c) of local x. */
  sigma(x: number, a: number, b: number, c: number, lastShift: boolean): this {
    return this.get(x).i32(a).op(OP.rotr).get(x).i32(b).op(OP.rotr).op(OP.xor).get(x).i32(c).op(lastShift ? OP.shrU : OP.rotr).op(OP.xor);
  }
}

/** compress(p): H (globals 0-7) ← compress(H, the 64-byte block at p). Locals: p, a-h, t1, t2, w0-w15. */
function compressBody(): Body {
  const f = new Body();
  const P = 0;
  const V = [1, 2, 3, 4, 5, 6, 7, 8]; // a..h
  const T1 = 9;
  const T2 = 10;
  const W = (t: number) => 11 + (t % 16);
  for (let t = 0; t < 16; t++) f.get(P).mem(OP.load, 0, 4 * t).bswap(W(t)).set(W(t));
  for (let i = 0; i < 8; i++) f.gget(i).set(V[i]!);
  for (let t = 0; t < 64; t++) {
    if (t >= 16) {
      // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], in the 16-word window
      f.get(W(t)).sigma(W(t - 15), 7, 18, 3, true).op(OP.add).get(W(t - 7)).op(OP.add).sigma(W(t - 2), 17, 19, 10, true).op(OP.add).set(W(t));
    }
    // The working variables are renamed each round instead of moved: round t's a is V[(8 - t) % 8].
    const r = (i: number) => V[(i - (t % 8) + 8) % 8]!;
    const [a, b, c, d, e, fv, g, h] = [r(0), r(1), r(2), r(3), r(4), r(5), r(6), r(7)];
    // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
    f.get(h).sigma(e, 6, 11, 25, false).op(OP.add);
    f.get(g).get(e).get(fv).get(g).op(OP.xor).op(OP.and).op(OP.xor).op(OP.add);
    f.i32(K[t]!).op(OP.add).get(W(t)).op(OP.add).set(T1);
    // T2 = Σ0(a) + Maj(a, b, c)
    f.sigma(a, 2, 13, 22, false).get(a).get(b).op(OP.and).get(c).get(a).get(b).op(OP.or).op(OP.and).op(OP.or).op(OP.add).set(T2);
    f.get(d).get(T1).op(OP.add).set(d);
    f.get(T1).get(T2).op(OP.add).set(h);
  }
  for (let i = 0; i < 8; i++) f.gget(i).get(V[i]!).op(OP.add).gset(i);
  return f.op(OP.end);
}

/**
 * sha256(ptr, len, out): mem[out, out + 32) ← SHA-256(mem[ptr, ptr + len)). Pads in place: the 72
 * bytes after the message are overwritten. Locals: ptr, len, out, q, p, x.
 */
function hashBody(): Body {
  const f = new Body();
  const [PTR, LEN, OUT, Q, P, X] = [0, 1, 2, 3, 4, 5];
  for (let i = 0; i < 8; i++) f.i32(IV[i]!).gset(i);
  // 0x80 after the message, then zeros up to 56 mod 64, then the bit length (64 bits, big endian)
  f.get(PTR).get(LEN).op(OP.add).set(Q);
  f.get(Q).i32(0x80).mem(OP.store8, 0, 0);
  f.get(Q).i32(1).op(OP.add).set(Q);
  f.op(OP.block).op(VOID).op(OP.loop).op(VOID);
  f.get(Q).get(PTR).op(OP.sub).i32(63).op(OP.and).i32(56).op(OP.eq).op(OP.brIf).op(1);
  f.get(Q).i32(0).mem(OP.store8, 0, 0);
  f.get(Q).i32(1).op(OP.add).set(Q).op(OP.br).op(0);
  f.op(OP.end).op(OP.end);
  f.get(Q).get(LEN).i32(29).op(OP.shrU).bswap(X).mem(OP.store, 0, 0);
  f.get(Q).get(LEN).i32(3).op(OP.shl).bswap(X).mem(OP.store, 0, 4);
  f.get(Q).i32(8).op(OP.add).set(Q);
  f.get(PTR).set(P);
  f.op(OP.block).op(VOID).op(OP.loop).op(VOID);
  f.get(P).get(Q).op(OP.geU).op(OP.brIf).op(1);
  f.get(P).op(OP.call).op(0);
  f.get(P).i32(64).op(OP.add).set(P).op(OP.br).op(0);
  f.op(OP.end).op(OP.end);
  for (let i = 0; i < 8; i++) f.get(OUT).gget(i).bswap(X).mem(OP.store, 0, 4 * i);
  return f.op(OP.end);
}

function section(out: number[], id: number, content: number[]): void {
  out.push(id);
  uleb(out, content.length);
  for (const b of content) out.push(b);
}

function funcBody(locals: number, body: Body): number[] {
  const b: number[] = [];
  if (locals > 0) {
    b.push(1);
    uleb(b, locals);
    b.push(I32);
  } else b.push(0);
  for (const x of body.code) b.push(x);
  const out: number[] = [];
  uleb(out, b.length);
  return out.concat(b);
}

const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

/** The module's bytes: exports `mem` (memory 0) and `sha256(ptr, len, out)`. Deterministic. */
export function sha256WasmModuleBytes(): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  section(out, 1, [2, 0x60, 1, I32, 0, 0x60, 3, I32, I32, I32, 0]); // types: (i32) → (), (i32 i32 i32) → ()
  section(out, 3, [2, 0, 1]); // functions: compress: type 0, sha256: type 1
  section(out, 5, [1, 0x00, 1]); // one memory, at least one 64 KiB page
  const globals = [8];
  for (let i = 0; i < 8; i++) globals.push(I32, 1, OP.const, 0, OP.end);
  section(out, 6, globals); // H0..H7, mutable i32
  section(out, 7, [2, ...name('mem'), 0x02, 0, ...name('sha256'), 0x00, 1]);
  section(out, 10, [2, ...funcBody(26, compressBody()), ...funcBody(3, hashBody())]);
  return new Uint8Array(out);
}

/** What this file needs of the engine's WebAssembly (structural: the worker's lib has it, core's does not). */
interface WasmApi {
  Module: new (bytes: Uint8Array<ArrayBuffer>) => unknown;
  Instance: new (module: never) => { exports: Record<string, unknown> };
}

const PAGE = 65536;
/** Bytes the hash pads in place after a message. */
const PAD = 72;

/**
 * An event batch's ids and leaves (core answerPacked) with the WebAssembly SHA-256, or null when
 * this engine cannot compile it (no WebAssembly, a CSP without 'wasm-unsafe-eval'). The module is
 * compiled synchronously: ~9 KB, in a worker.
 */
export function createWasmBatchDigests(wasm: WasmApi | null = (globalThis as { WebAssembly?: WasmApi }).WebAssembly ?? null): BatchDigests | null {
  let exports: Record<string, unknown>;
  try {
    if (!wasm) return null;
    exports = new wasm.Instance(new wasm.Module(sha256WasmModuleBytes()) as never).exports;
  } catch {
    return null;
  }
  const memory = exports.mem as { buffer: ArrayBuffer; grow(pages: number): number };
  const hash = exports.sha256 as (ptr: number, len: number, out: number) => void;
  let mem = new Uint8Array(memory.buffer);
  return {
    digest(p: PackedSignatures, out: Uint8Array, at: number): void {
      const { count, lines, lineEnds, cuts } = p;
      if (!lines || !lineEnds || !cuts) throw new TypeError('wasm digests: an event batch (lines and cuts) is needed');
      let longest = 0;
      for (let i = 0, l0 = 0; i < count; i++) {
        const l1 = lineEnds[i]!;
        longest = Math.max(longest, l1 - l0);
        l0 = l1;
      }
      // [0, leaf): the 0x00-prefixed line; [leaf, msg): the signed message; then the lines; then the digests.
      const leafAt = 0;
      const msgAt = leafAt + longest + 1 + PAD;
      const linesAt = msgAt + signedMessageLength(longest, 0, 0) + PAD;
      const digestsAt = linesAt + lines.length;
      const need = digestsAt + DIGEST_BYTES * count;
      if (need > mem.length) {
        memory.grow(Math.ceil((need - mem.length) / PAGE));
        mem = new Uint8Array(memory.buffer);
      }
      mem.set(lines, linesAt);
      const msgView = mem.subarray(msgAt);
      for (let i = 0, l0 = 0; i < count; i++) {
        const l1 = lineEnds[i]!;
        const start = cuts[2 * i]!;
        const end = cuts[2 * i + 1]!;
        signedMessageOfCut(mem, linesAt + l0, linesAt + l1, start, end, msgView);
        hash(msgAt, signedMessageLength(l1 - l0, start, end), digestsAt + DIGEST_BYTES * i);
        mem[leafAt] = 0;
        mem.copyWithin(leafAt + 1, linesAt + l0, linesAt + l1);
        hash(leafAt, l1 - l0 + 1, digestsAt + DIGEST_BYTES * i + 32);
        l0 = l1;
      }
      out.set(mem.subarray(digestsAt, digestsAt + DIGEST_BYTES * count), at);
    }
  };
}
