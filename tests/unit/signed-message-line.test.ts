// signedMessageOfLine (src/lib/core/envelope.ts): the signed message cut from the parsed line is
// byte-identical to signedMessage(env), the re-encoding it replaces on the hot path (issue 7).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalize, type Json } from '../../src/lib/core/canonical-json';
import { parseEnvelope, signedMessage, signedMessageOfLine } from '../../src/lib/core/envelope';
import { toHex } from '../../src/lib/core/bytes';
import type { Envelope } from '../../src/lib/core/types';

const B64_32 = 'A'.repeat(43) + '=';
const B64_64 = 'A'.repeat(86) + '==';
const enc = (s: string) => new TextEncoder().encode(s);

function parsed(o: Record<string, Json>): { line: Uint8Array; env: Envelope } {
  const line = enc(canonicalize(o));
  const r = parseEnvelope(line, o['seq'] as number);
  if (!r.ok) throw new Error(r.finding.message);
  return { line, env: r.value };
}

describe('signedMessageOfLine', () => {
  it('equals signedMessage on every event of the demo ledger (all types, with and without policy)', () => {
    const dir = join(__dirname, '../../static/demo/segments');
    let n = 0;
    const types = new Set<string>();
    for (const f of readdirSync(dir).sort()) {
      const bytes = readFileSync(join(dir, f));
      let from = 0;
      for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, from)) {
        const line = new Uint8Array(bytes.subarray(from, nl));
        from = nl + 1;
        const r = parseEnvelope(line, n);
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        expect(toHex(signedMessageOfLine(line, r.value))).toBe(toHex(signedMessage(r.value)));
        types.add(r.value.type);
        n++;
      }
    }
    expect(n).toBeGreaterThan(1000);
    expect(types.size).toBeGreaterThanOrEqual(8);
  });

  it('cuts the top-level sig, not a "sig" inside the payload or a string that looks like one', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom('sig', 'a', 'zz', 'signer', 'v'), fc.oneof(fc.string(), fc.constant(',"sig":"x"'), fc.integer())),
        fc.constantFrom('u-1', 'operator', 'n-00042.eu'),
        fc.constantFrom('engagement', 'epoch.close', 'content.publish'),
        (payload, signer, type) => {
          const o: Record<string, Json> = { v: 1, seq: 3, epoch: 0, type, signer, key: B64_32, prev: 'ab'.repeat(32), payload, sig: B64_64 };
          if (type === 'epoch.close') o['policy'] = 'cd'.repeat(32);
          const { line, env } = parsed(o);
          return toHex(signedMessageOfLine(line, env)) === toHex(signedMessage(env));
        }
      ),
      { numRuns: 300 }
    );
  });

  it('reads the message from the line itself (the fast path is taken, not the re-encoding)', () => {
    const { line, env } = parsed({ v: 1, seq: 3, epoch: 0, type: 'engagement', signer: 'u-1', key: B64_32, prev: 'ab'.repeat(32), payload: { a: 'xxxx' }, sig: B64_64 });
    const edited = line.slice();
    const at = new TextDecoder().decode(line).indexOf('xxxx');
    edited[at] = 0x79; // 'y': same length, so the layout still matches
    const m = new TextDecoder().decode(signedMessageOfLine(edited, env));
    expect(m).toContain('"a":"yxxx"');
    expect(m).not.toContain('"sig"');
  });

  it('falls back to re-encoding when the line is not laid out as canonical(env)', () => {
    const { env } = parsed({ v: 1, seq: 3, epoch: 0, type: 'engagement', signer: 'u-1', key: B64_32, prev: 'ab'.repeat(32), payload: {}, sig: B64_64 });
    expect(toHex(signedMessageOfLine(enc('{}'), env))).toBe(toHex(signedMessage(env)));
  });
});
