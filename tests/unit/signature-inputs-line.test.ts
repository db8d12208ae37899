// signatureInputsOfLine (src/lib/core/envelope.ts): an event's key, signature and signed message cut
// from its line before it is parsed (issue 7: the ordered pass parses a line only when it checks it).
// Its contract: for every line parseEnvelope accepts, the result is exactly fromBase64(env.key),
// fromBase64(env.sig) and signedMessage(env); for any other line it never throws. The
// bundle verifier relies on it (a parsed line that was not cut is checked the slow way there).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalize, type Json } from '../../src/lib/core/canonical-json';
import { cutEventLine, parseEnvelope, signatureInputsOfLine, signedMessage } from '../../src/lib/core/envelope';
import { EventLines, messageReader, packEventLines } from '../../src/lib/core/signature-batch';
import { fromBase64, fromBase64Ascii, toBase64, toHex } from '../../src/lib/core/bytes';
import { demoLines } from './demo-lines';

const enc = (s: string) => new TextEncoder().encode(s);


/**
 * The contract on one line; returns whether parseEnvelope accepted it. cutEventLine (an event batch
 * for the signature workers) cuts exactly the same lines, to the same key and sig, and the message a
 * worker builds from the line and its cut is the same message.
 */
function agrees(line: Uint8Array, at: number): boolean {
  const cut = signatureInputsOfLine(line);
  const batch = new EventLines(1);
  expect(cutEventLine(line, batch)).toBe(cut !== null);
  if (cut) {
    expect(batch.count).toBe(1);
    expect(batch.lines[0]).toBe(line);
    expect(toHex(batch.keys)).toBe(toHex(cut.key));
    expect(toHex(batch.sigs)).toBe(toHex(cut.sig));
    expect(toHex(messageReader(packEventLines(batch))(0))).toBe(toHex(cut.msg));
  } else expect(batch.count).toBe(0);
  const r = parseEnvelope(line, at);
  // With a cut, the parse that skips the key and sig base64 checks gives the same answer, accepted or not.
  if (cut) expect(parseEnvelope(line, at, true)).toEqual(r);
  if (!r.ok) return false;
  expect(cut).not.toBeNull();
  expect(toHex(cut!.key)).toBe(toHex(fromBase64(r.value.key)!));
  expect(toHex(cut!.sig)).toBe(toHex(fromBase64(r.value.sig)!));
  expect(toHex(cut!.msg)).toBe(toHex(signedMessage(r.value)));
  expect(cut!.line).toBe(line);
  return true;
}

const lines = demoLines();
const MUTANT_BYTES = [...'{}[]":,\\/-+.eEu0129aAfFzZ= tnrbT_'].map((c) => c.charCodeAt(0)).concat([0x00, 0x0a, 0x7f, 0x80, 0xff]);

describe('signatureInputsOfLine', () => {
  it('every line of the demo ledger: the same key, signature and message as the parsed envelope gives', () => {
    expect(lines.length).toBe(10000);
    lines.forEach((l, i) => expect(agrees(l, i)).toBe(true));
  });

  it('single-byte replacements at every offset of one demo line per event type: agrees whenever the mutant parses', () => {
    const byType = new Map<string, Uint8Array>();
    for (const l of lines) {
      const t = /"type":"([a-z.]+)"/.exec(new TextDecoder().decode(l))![1]!;
      if (!byType.has(t)) byType.set(t, l);
    }
    let accepted = 0;
    for (const line of byType.values()) {
      for (let i = 0; i < line.length; i++) {
        for (let k = 0; k < 3; k++) {
          const byte = MUTANT_BYTES[(7 * i + k) % MUTANT_BYTES.length]!;
          if (line[i] === byte) continue;
          const m = line.slice();
          m[i] = byte;
          if (agrees(m, 3)) accepted++;
        }
      }
    }
    expect(accepted).toBeGreaterThan(100); // many mutants stay valid envelopes (a letter for a letter in a string)
  });

  it('fast-check: payloads holding "sig" members and strings like the sig member, any signer and type', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('sig', 'a', 'zz', 'signer', 'key', 'v', 'epoch'), fc.oneof(fc.string(), fc.constant(',"sig":"x"'), fc.constant('","signer":"'), fc.integer({ min: 0 }))),
        fc.constantFrom('u-1', 'operator', 'n-00042.eu', 'governance'),
        fc.constantFrom('engagement', 'epoch.close', 'content.publish', 'aegis.attest'),
        fc.nat(),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (payload, signer, type, epoch, key, sig) => {
          const o: Record<string, Json> = { v: 1, seq: 3, epoch, type, signer, key: toBase64(key), prev: 'ab'.repeat(32), payload, sig: toBase64(sig) };
          if (type === 'epoch.close') o['policy'] = 'cd'.repeat(32);
          expect(agrees(enc(canonicalize(o)), 3)).toBe(true);
        }
      ),
      { numRuns: 500, seed: 5 }
    );
  });

  it('fast-check: arbitrary bytes and edited demo lines never throw', () => {
    fc.assert(
      fc.property(fc.nat(lines.length - 1), fc.nat(), fc.nat(600), (n, at, cut) => {
        const l = lines[n]!;
        const m = Uint8Array.from([...l.subarray(0, at % l.length), ...l.subarray((at % l.length) + (cut % 200))]);
        agrees(m, n);
        agrees(m.subarray(0, cut), n);
      }),
      { numRuns: 2000, seed: 9 }
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        agrees(b, 0);
        agrees(Uint8Array.from([...enc('{"epoch":1,"key":"'), ...b]), 0);
      }),
      { numRuns: 2000, seed: 10 }
    );
  });

  it('refuses a line whose key or sig is not where the canonical layout puts it', () => {
    const good = lines[0]!;
    expect(signatureInputsOfLine(good)).not.toBeNull();
    const text = new TextDecoder().decode(good);
    expect(signatureInputsOfLine(enc(text.replace('{"epoch":', '{"epoch": ')))).toBeNull();
    expect(signatureInputsOfLine(enc(text.replace(',"signer":"', ',"signer" :"')))).toBeNull();
    expect(signatureInputsOfLine(enc(text.replace(/"sig":"([A-Za-z0-9+/]{4})/, '"sig":"$1$1')))).toBeNull();
    // A key or sig whose first 44 or last 88 characters are strict base64 of 32 or 64 bytes, but
    // which is longer: not cut, so its parse makes the base64 checks (sig.malformed) itself.
    for (const longer of [text.replace(/"key":"/, '"key":"AAAA'), text.replace(/"key":"([^"]{44})"/, '"key":"$1AAAA"'), text.replace(/"sig":"/, '"sig":"AAAA')]) {
      expect(longer).not.toBe(text);
      const l = enc(longer);
      expect(signatureInputsOfLine(l)).toBeNull();
      expect(agrees(l, 0)).toBe(false);
      const r = parseEnvelope(l, 0);
      expect(r.ok ? null : r.finding.code).toBe('sig.malformed');
    }
  });
});

describe('fromBase64Ascii', () => {
  it('fast-check: equals fromBase64 on the same text, valid or not', () => {
    const b64char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ .'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 70 }).map(toBase64), fc.array(b64char, { maxLength: 16 }).map((a) => a.join(''))), fc.nat(5), (s, pre) => {
        const bytes = enc('x'.repeat(pre) + s + 'y');
        const got = fromBase64Ascii(bytes, pre, pre + s.length);
        const want = fromBase64(s);
        expect(got === null ? null : toHex(got)).toBe(want === null ? null : toHex(want));
      }),
      { numRuns: 5000, seed: 3 }
    );
  });

  it('refuses non-ASCII bytes and a range outside the array', () => {
    expect(fromBase64Ascii(Uint8Array.from([0x41, 0x41, 0x41, 0xc1]), 0, 4)).toBeNull();
    expect(fromBase64Ascii(enc('AAAA'), 0, 8)).toBeNull();
    expect(fromBase64Ascii(enc('AAAA'), -4, 0)).toBeNull();
  });
});
