import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyEvidenceBus } from '../../../src/lib/core/qfs/evidencebus-v15';
import { mockqpcEnvOf, mockqpcSign, mockqpcVerify } from '../../../src/lib/core/qfs/mockqpc';
import { MOCKQPC_NOTE, type QfsFinding } from '../../../src/lib/core/qfs/report';
import { fromHex, toHex } from '../../../src/lib/core/bytes';
import { busChain, busText, canon, hex, line, mockqpc, Raw, sealBus, ZERO64, type Val } from './fixtures';

const codes = (fs: QfsFinding[]): string[] => fs.map((f) => `${f.seq}:${f.code}`);

describe('mockqpc', () => {
  it('agrees with an independent node:crypto HKDF implementation for every env', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.constantFrom('dev' as const, 'beta' as const, 'mainnet' as const), (h, env) => {
        expect(toHex(mockqpcSign(h, env))).toBe(mockqpc(toHex(h), env));
      }),
      { numRuns: 40 }
    );
  });
  it('tells environments apart and rejects a flipped bit', () => {
    const h = fromHex(hex('sha3-256', 'x'))!;
    const sig = mockqpcSign(h, 'beta');
    expect(mockqpcEnvOf(h, sig)).toBe('beta');
    expect(mockqpcVerify(h, sig, 'dev')).toBe(false);
    const bad = sig.slice();
    bad[127]! ^= 1;
    expect(mockqpcEnvOf(h, bad)).toBeNull();
    expect(mockqpcVerify(h, sig.subarray(0, 64), 'beta')).toBe(false);
  });
  it('throws RangeError on misuse', () => {
    expect(() => mockqpcSign(new Uint8Array(31), 'dev')).toThrow(RangeError);
    expect(() => mockqpcSign(new Uint8Array(32), 'prod' as 'dev')).toThrow(RangeError);
  });
});

describe('evidencebus-v15', () => {
  it('verifies a generated chain with restarts as segments, and names the env', () => {
    const r = verifyEvidenceBus(busText(busChain(12, { restarts: [5, 9] })));
    expect(r.ok).toBe(true);
    expect(r.failures).toEqual([]);
    expect(r.events).toBe(12);
    expect(r.hashesVerified).toBe(12);
    expect(r.signaturesVerified).toBe(12);
    expect(r.env).toBe('dev');
    expect(r.segments.map((s) => [s.from, s.to, s.events])).toEqual([
      [1, 5, 5],
      [6, 9, 4],
      [10, 12, 3]
    ]);
    expect(r.notes).toContain(MOCKQPC_NOTE);
    expect(r.authenticity).toContain('integrity only');
    expect(r.types).toEqual({ AUTH_LOGIN: 3, AUTH_LOGOUT: 3, CLUSTER_WRITE_COMMITTED: 3, CLUSTER_WRITE_SUBMITTED: 3 });
  });

  it('detects a beta-signed file and reports mixed envs with env null', () => {
    expect(verifyEvidenceBus(busText(busChain(3, { env: 'beta' }))).env).toBe('beta');
    const mixed = busChain(3);
    mixed[2] = sealBus(mixed[2]!.event, 'mainnet');
    const r = verifyEvidenceBus(busText(mixed));
    expect(r.ok).toBe(true);
    expect(r.env).toBeNull();
    expect(r.envCounts).toEqual({ dev: 2, beta: 0, mainnet: 1 });
  });

  it('reports a tampered payload as a hash mismatch at that line only', () => {
    const envs = busChain(6);
    (envs[3]!.event.payload as Record<string, Val>)['wallet'] = '0xEVIL';
    const r = verifyEvidenceBus(busText(envs));
    expect(r.ok).toBe(false);
    expect(codes(r.failures)).toEqual(['4:qfs.hash-mismatch']);
    expect(r.failures[0]!.message).toMatch(/^line 4: hash [0-9a-f]{16}… does not match the content/);
  });

  it('reports a bad signature at its line', () => {
    const envs = busChain(4);
    envs[1]!.signature = mockqpc(envs[0]!.hash, 'dev'); // a valid signature, of another hash
    const r = verifyEvidenceBus(busText(envs));
    expect(codes(r.failures)).toEqual(['2:qfs.signature-invalid']);
    envs[1]!.signature = 'ab';
    expect(codes(verifyEvidenceBus(busText(envs)).failures)).toEqual(['2:qfs.signature-invalid']);
  });

  it('reports a parent that appears nowhere as a dangling parent, inside its segment', () => {
    const envs = busChain(5);
    envs[3] = sealBus({ ...envs[3]!.event, prev_hash: hex('sha3-256', 'elsewhere') });
    envs[4] = sealBus({ ...envs[4]!.event, prev_hash: envs[3]!.hash });
    const r = verifyEvidenceBus(busText(envs));
    expect(codes(r.failures)).toEqual(['4:qfs.dangling-parent']);
    expect(r.segments).toHaveLength(1);
    expect(r.segments[0]!.breaks).toEqual([4]);
    // line 5 still links to line 4: no cascade
  });

  it('reports a parent that is another line (not the preceding one) as a prev mismatch naming it', () => {
    const envs = busChain(5);
    envs[3] = sealBus({ ...envs[3]!.event, prev_hash: envs[0]!.hash });
    envs[4] = sealBus({ ...envs[4]!.event, prev_hash: envs[3]!.hash });
    const r = verifyEvidenceBus(busText(envs));
    expect(codes(r.failures)).toEqual(['4:qfs.prev-mismatch']);
    expect(r.failures[0]!.message).toContain('is the hash of line 1');
  });

  it('reports a first line that does not start at zero as dangling', () => {
    const envs = busChain(2);
    envs[0] = sealBus({ ...envs[0]!.event, prev_hash: 'ab'.repeat(32) });
    envs[1] = sealBus({ ...envs[1]!.event, prev_hash: envs[0]!.hash });
    expect(codes(verifyEvidenceBus(busText(envs)).failures)).toEqual(['1:qfs.dangling-parent']);
  });

  it('reports placeholder hashes: a non-hash value, and a file where no hash matches', () => {
    const envs = busChain(3);
    envs[1]!.hash = 'PLACEHOLDER';
    envs[2] = sealBus({ ...envs[2]!.event, prev_hash: 'PLACEHOLDER' });
    let r = verifyEvidenceBus(busText(envs));
    expect(codes(r.failures)).toContain('2:qfs.placeholder-hash');
    expect(codes(r.failures)).toContain('2:qfs.signature-invalid');
    // every hash = SHA3-256 of a label, signed properly, linked properly: placeholders, not tampering
    const fake: string[] = [];
    let prev = ZERO64;
    for (let i = 0; i < 3; i++) {
      const event = { type: 'AUTH_LOGIN', payload: { i }, prev_hash: prev, timestamp: 0 };
      const h = hex('sha3-256', `event_${i}_hash`);
      fake.push(line({ event, hash: h, signature: mockqpc(h, 'dev') } as unknown as Val));
      prev = h;
    }
    r = verifyEvidenceBus(fake.join('\n'));
    expect(codes(r.failures)).toEqual(['1:qfs.placeholder-hash', '2:qfs.placeholder-hash', '3:qfs.placeholder-hash']);
    expect(r.signaturesVerified).toBe(3);
  });

  it('hashes floats and non-ASCII text exactly as Python writes them', () => {
    const event = { payload: { note: 'café ☕ 𝄞', weight: new Raw('1.0'), big: new Raw('123456789012345678901234567890') }, prev_hash: ZERO64, timestamp: 0, type: 'X' };
    const h = hex('sha3-256', canon(event as unknown as Val));
    const text = line({ event, hash: h, signature: mockqpc(h, 'dev') } as unknown as Val);
    expect(text).toContain('"weight": 1.0');
    const r = verifyEvidenceBus(text);
    expect(r.failures).toEqual([]);
    expect(r.hashesVerified).toBe(1);
  });

  it('reports a broken line as qfs.syntax and does not cascade into the next link', () => {
    const lines = busText(busChain(4)).split('\n');
    lines[1] = lines[1]!.slice(0, 40);
    const r = verifyEvidenceBus(lines.join('\r\n'));
    expect(codes(r.failures)).toEqual(['2:qfs.syntax']);
    expect(r.events).toBe(4);
  });

  it('flags fields outside the hashed event and an empty file', () => {
    const envs = busChain(1);
    const r = verifyEvidenceBus(line({ ...envs[0]!, extra: 1 } as unknown as Val));
    expect(codes(r.failures)).toEqual(['1:qfs.schema']);
    expect(codes(verifyEvidenceBus('\n\n').failures)).toEqual(['null:qfs.schema']);
  });

  it('property: changing any payload value of any line fails exactly that line', () => {
    const base = busChain(8, { restarts: [4] });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.constantFrom('wallet', 'session_id'), fc.string({ minLength: 1, maxLength: 8 }), (i, key, s) => {
        const envs = structuredClone(base);
        const payload = envs[i]!.event.payload as Record<string, Val>;
        fc.pre(payload[key] !== s);
        payload[key] = s;
        const r = verifyEvidenceBus(busText(envs));
        expect(codes(r.failures)).toEqual([`${i + 1}:qfs.hash-mismatch`]);
      }),
      { numRuns: 60 }
    );
  });
});
