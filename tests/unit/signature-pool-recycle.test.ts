// The browser signature pool replacing its workers (src/lib/worker/pool/signature-pool.ts,
// recycleAfter; core/signature-pool-base.ts Recycle): with workers replaced every few dozen
// signatures, reports stay identical to the single-thread path (honest ledger and every tamper kind,
// stop and audit), and no worker is stopped while anything sent to it (a batch, a hash stream, a
// read) is still unanswered. Worker stand-ins are in-process (MessageChannel), with WebCrypto.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '../../src/lib/core/ed25519';
import { sequentialVerifier } from '../../src/lib/core/report';
import type { PoolRequest, PoolResponse } from '../../src/lib/core/signature-port';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { SignaturePool, type WorkerLike } from '../../src/lib/worker/pool/signature-pool';
import { createWebCryptoBackend } from '../../src/lib/worker/ed25519-webcrypto';
import { generateBundle } from '../../src/issuer/generate';
import { TAMPER_KINDS, TamperSource } from '../../src/issuer/tamper';
import { inProcessWorker } from './in-process-worker';
import { reportOf } from './bundle-report';

const SEED = 'pool-recycle';
let dir = '';
let source: TamperSource;

/** What the stand-ins saw: workers made, and for each stop, what was still unanswered by that worker. */
interface Log {
  made: number;
  openAtStop: number[];
  stoppedTwice: number;
}

/**
 * A Worker stand-in that counts what was sent to it and not yet answered: a verify, a read, or a
 * hash stream (from its first message to its digest's answer).
 */
function countingWorker(log: Log): WorkerLike {
  const web = createWebCryptoBackend(globalThis.crypto.subtle);
  const inner = inProcessWorker(async () => ({ name: web.name, verifyOne: (k, m, s) => verify(web, k, m, s), keyed: web.keyed }));
  log.made++;
  let open = 0;
  let stopped = false;
  const streams = new Set<number>();
  return {
    postMessage(msg: unknown, transfer: ArrayBuffer[]) {
      const m = msg as PoolRequest;
      if (m.t === 'verify' || m.t === 'read') open++;
      if (m.t === 'hash' && !streams.has(m.stream)) {
        streams.add(m.stream);
        open++;
      }
      inner.postMessage(msg, transfer);
    },
    addEventListener(type, listener) {
      inner.addEventListener(type, (e) => {
        const d = e.data as PoolResponse | undefined;
        if (d && d.t !== 'ready' && d.id !== undefined) open--;
        listener(e);
      });
    },
    terminate() {
      if (stopped) log.stoppedTwice++;
      stopped = true;
      log.openAtStop.push(open);
      inner.terminate();
    }
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-recycle-'));
  await generateBundle({ out: join(dir, 'ledger'), events: 600, seed: SEED });
  source = await TamperSource.loadGenerated(join(dir, 'ledger'), SEED);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withPool<T>(recycleAfter: number, run: (pool: SignaturePool, log: Log) => Promise<T>): Promise<T> {
  const log: Log = { made: 0, openAtStop: [], stoppedTwice: 0 };
  const pool = await SignaturePool.start({ threads: 2, createWorker: () => countingWorker(log), minChunk: 16, recycleAfter });
  try {
    return await run(pool, log);
  } finally {
    pool.close();
  }
}

describe('SignaturePool: recycled workers', () => {
  it('honest ledger: the same reports as the single-thread path with workers replaced every 40 signatures; none stopped with work unanswered', async () => {
    const single = await reportOf(source.bundle, sequentialVerifier(nodeBackend), 'stop');
    expect(single.ok).toBe(true);
    await withPool(40, async (pool, log) => {
      for (const mode of ['stop', 'audit'] as const) expect(await reportOf(source.bundle, pool, mode, 37)).toEqual(mode === 'stop' ? single : await reportOf(source.bundle, sequentialVerifier(nodeBackend), 'audit'));
      // 1,200 signatures over 2 workers, a replacement at the first batch after each 40
      expect(pool.replaced).toBeGreaterThanOrEqual(20);
      expect(log.made).toBe(2 + pool.replaced);
      // every replaced worker was stopped once, each with nothing outstanding
      expect(log.openAtStop).toHaveLength(pool.replaced);
      expect(log.openAtStop.every((n) => n === 0)).toBe(true);
      expect(log.stoppedTwice).toBe(0);
    });
  });

  it('never replaced with recycleAfter Infinity', async () => {
    await withPool(Infinity, async (pool, log) => {
      await reportOf(source.bundle, pool, 'stop', 37);
      expect(pool.replaced).toBe(0);
      expect(log.made).toBe(2);
      expect(log.openAtStop).toEqual([]);
    });
  });

  it('refuses a recycleAfter that is not positive', async () => {
    await expect(SignaturePool.start({ threads: 1, createWorker: () => countingWorker({ made: 0, openAtStop: [], stoppedTwice: 0 }), recycleAfter: 0 })).rejects.toThrow(RangeError);
  });

  it('every tamper kind: the same first failure and the same audit findings with workers replaced every 50 signatures', async () => {
    await withPool(50, async (pool, log) => {
      for (const kind of TAMPER_KINDS) {
        const t = source.tamper(kind, 1);
        for (const mode of ['stop', 'audit'] as const) {
          const expected = await reportOf(t.bundle, sequentialVerifier(nodeBackend), mode, 37);
          expect(await reportOf(t.bundle, pool, mode, 37), `${kind} ${mode}`).toEqual(expected);
        }
      }
      expect(pool.replaced).toBeGreaterThan(TAMPER_KINDS.length);
      expect(log.openAtStop.every((n) => n === 0)).toBe(true);
    });
  });
});
