// The browser signature workers' WebAssembly SHA-256 (src/lib/worker/sha256-wasm.ts, issue 7): an
// event batch's ids SHA-256(msg) and leaves SHA-256(0x00 ‖ line) must be byte for byte what core's
// JS path computes (answerPacked without host digests) and what node:crypto computes, for every
// message length around the block and padding boundaries, for the demo ledger's lines, and when the
// module's memory has to grow. An engine that cannot compile it gets null (core's JS is used).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST_BYTES, EventLines, answerPacked, packEventLines, type PackedSignatures } from '../../../src/lib/core/signature-batch';
import { cutEventLine, signedMessageLength, signedMessageOfCut } from '../../../src/lib/core/envelope';
import { createWasmBatchDigests, sha256WasmModuleBytes } from '../../../src/lib/worker/sha256-wasm';
import { demoLines } from '../demo-lines';

const wasm = createWasmBatchDigests();
const sha = (...parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

/** A packed event batch of `lines` (each a canonical event line: cutEventLine finds its sig member). */
function batchOf(lines: readonly Uint8Array[]): PackedSignatures {
  const b = new EventLines(lines.length);
  for (const l of lines) expect(cutEventLine(l, b)).toBe(true);
  return packEventLines(b);
}

/**
 * A packed batch of arbitrary byte strings with arbitrary cuts (what the kernel must hash does not
 * depend on the lines being events): line i has length lengths[i], its cut [start, end) inside it.
 */
function rawBatch(lengths: readonly number[]): PackedSignatures {
  const total = lengths.reduce((s, n) => s + n, 0);
  const lines = new Uint8Array(total);
  for (let i = 0; i < total; i++) lines[i] = (i * 131 + 7) & 0xff;
  const lineEnds = new Uint32Array(lengths.length);
  const cuts = new Uint32Array(2 * lengths.length);
  let off = 0;
  lengths.forEach((n, i) => {
    off += n;
    lineEnds[i] = off;
    cuts[2 * i] = Math.floor(n / 3);
    cuts[2 * i + 1] = Math.floor(n / 3) + Math.min(n - Math.floor(n / 3), i % 97);
  });
  return { count: lengths.length, keys: new Uint8Array(32), keyIndex: new Uint32Array(lengths.length), sigs: new Uint8Array(64 * lengths.length), lineEnds, lines, cuts };
}

/**
 * The first item whose 64 digest bytes differ, with both as hex, or null: a failing toEqual on
 * arrays this long makes the test runner diff them for minutes.
 */
function firstDifference(got: Uint8Array, want: Uint8Array): { item: number; got: string; want: string } | null {
  if (got.length !== want.length) return { item: -1, got: `${got.length} bytes`, want: `${want.length} bytes` };
  for (let i = 0; i < got.length; i += DIGEST_BYTES) {
    const a = Buffer.from(got.subarray(i, i + DIGEST_BYTES)).toString('hex');
    const b = Buffer.from(want.subarray(i, i + DIGEST_BYTES)).toString('hex');
    if (a !== b) return { item: i / DIGEST_BYTES, got: a, want: b };
  }
  return null;
}

/** The ids and leaves by node:crypto, as answerPacked lays them out after the verdicts. */
function expected(p: PackedSignatures): Uint8Array {
  const out = new Uint8Array(p.count * DIGEST_BYTES);
  for (let i = 0, l0 = 0; i < p.count; i++) {
    const l1 = p.lineEnds![i]!;
    const [start, end] = [p.cuts![2 * i]!, p.cuts![2 * i + 1]!];
    const msg = new Uint8Array(signedMessageLength(l1 - l0, start, end));
    signedMessageOfCut(p.lines!, l0, l1, start, end, msg);
    out.set(sha(msg), DIGEST_BYTES * i);
    out.set(sha(Uint8Array.of(0), p.lines!.subarray(l0, l1)), DIGEST_BYTES * i + 32);
    l0 = l1;
  }
  return out;
}

describe('WebAssembly SHA-256 for event batches', () => {
  it('compiles here (Node has WebAssembly) from a deterministic, valid module', () => {
    expect(wasm).not.toBeNull();
    const bytes = sha256WasmModuleBytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(sha256WasmModuleBytes()).toEqual(bytes);
  });

  it('equals node:crypto for every line length 0..300 (one, two and three blocks, and the padding edges)', () => {
    const p = rawBatch(Array.from({ length: 301 }, (_, n) => n));
    const out = new Uint8Array(p.count * (1 + DIGEST_BYTES));
    wasm!.digest(p, out, p.count);
    expect(firstDifference(out.subarray(p.count), expected(p))).toBeNull();
    expect(out.subarray(0, p.count).every((b) => b === 0)).toBe(true); // nothing before `at` is written
  });

  it('answers the demo ledger\'s batches exactly as core\'s JS path, verdicts and attest flags included', () => {
    const lines = demoLines();
    for (let from = 0; from < lines.length; from += 2500) {
      const p = batchOf(lines.slice(from, from + 2500));
      const verdicts = Uint8Array.from({ length: p.count }, (_, i) => (i % 11 === 5 ? 0 : 1));
      const js = answerPacked(p, verdicts.slice(), true);
      const viaWasm = answerPacked(p, verdicts.slice(), true, wasm!);
      expect(firstDifference(viaWasm.subarray(0, p.count), js.subarray(0, p.count))).toBeNull(); // verdicts and ATTEST_KEY_OK
      expect(firstDifference(viaWasm.subarray(p.count), js.subarray(p.count))).toBeNull();
      expect(firstDifference(js.subarray(p.count), expected(p))).toBeNull();
    }
  });

  it('grows its memory for a batch larger than it has, and for a line longer than a page, then still answers small ones', () => {
    const fresh = createWasmBatchDigests()!;
    for (const lengths of [Array.from({ length: 600 }, (_, i) => 200 + (i % 400)), [200_000, 3, 70_000], [0, 1, 55, 56, 64]]) {
      const p = rawBatch(lengths);
      const out = new Uint8Array(p.count * DIGEST_BYTES);
      fresh.digest(p, out, 0);
      expect(firstDifference(out, expected(p))).toBeNull();
    }
  });

  it('is null, so core\'s JS one-shot is used, where the engine has no WebAssembly or refuses to compile (a CSP)', () => {
    expect(createWasmBatchDigests(null)).toBeNull();
    const refusing = {
      Module: class {
        constructor() {
          throw new Error("Refused to compile or instantiate WebAssembly module because 'wasm-unsafe-eval' is not an allowed source");
        }
      },
      Instance: WebAssembly.Instance as never
    };
    expect(createWasmBatchDigests(refusing)).toBeNull();
  });

  it('refuses a signature batch (messages, not lines): only event batches carry lines to hash', () => {
    const p = { count: 1, keys: new Uint8Array(32), keyIndex: new Uint32Array(1), sigs: new Uint8Array(64), msgEnds: Uint32Array.of(3), msgs: new Uint8Array(3) };
    expect(() => wasm!.digest(p, new Uint8Array(64), 0)).toThrow(TypeError);
  });
});
