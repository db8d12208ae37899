// Whole bundle files fetched in a signature worker (issue 7: HttpSource.readVia, fetchFile, the
// pool protocol's 'read'): for every kind of answer a server or network can give, a read through
// another thread returns the same bytes, or throws the same error (class, kind, message), as
// HttpSource's own read (stream + collect) with the same fetch.
import { MessageChannel } from 'node:worker_threads';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { HttpSource, NetworkError, collect, fetchFile } from '../../../src/lib/worker/sources';
import { BundleSourceError } from '../../../src/lib/core/bundle-source';
import { connectSignaturePort, serveSignaturePort, type PoolRequest, type PoolResponse } from '../../../src/lib/core/signature-port';
import { utf8 } from '../../../src/lib/core/bytes';
import { SignaturePool, type WorkerLike } from '../../../src/lib/worker/pool/signature-pool';
import { inProcessWorker } from '../in-process-worker';
import { brokenBody } from './broken-body';

const BASE = 'https://ledger.example/bundle/';

// A pool worker's side over a MessageChannel, answering 'read' with fetchFile (the global fetch, stubbed below).
const { port1, port2 } = new MessageChannel();
serveSignaturePort(
  {
    post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => port2.postMessage(msg, transfer ?? []),
    subscribe: (on: (msg: PoolRequest) => void) => void port2.on('message', on)
  },
  async () => ({ name: 'none', verifyOne: () => false }),
  { fetchFile }
);
const conn = connectSignaturePort(
  {
    post: (msg, transfer) => port1.postMessage(msg, transfer ?? []),
    subscribe: (on) => void port1.on('message', on)
  },
  'auto'
);
afterAll(() => {
  port1.close();
  port2.close();
});
afterEach(() => vi.unstubAllGlobals());


/** A body longer than it says (no content-length): the limit is found while reading. */
function undeclared(n: number): Response {
  return new Response(new Blob([new Uint8Array(n).fill(65)]).stream(), { status: 200 });
}

const answers: Record<string, () => Response | Error> = {
  ok: () => new Response('checkpoint note\n', { status: 200 }),
  empty: () => new Response(new Uint8Array(0), { status: 200 }),
  '404': () => new Response('no', { status: 404 }),
  '503': () => new Response('busy', { status: 503 }),
  'no body': () => new Response(null, { status: 200 }),
  rejected: () => new TypeError('Failed to fetch'),
  'rejected without message': () => new TypeError(''),
  'broken body': brokenBody,
  'over the limit (declared)': () => new Response(new Uint8Array(40), { status: 200 }),
  'over the limit (undeclared)': () => undeclared(40),
  'at the limit (undeclared)': () => undeclared(32)
};

/** What a read gives: its bytes as text, or its error's class, kind and message. */
async function outcome(read: Promise<Uint8Array>): Promise<unknown> {
  try {
    return { text: new TextDecoder().decode(await read) };
  } catch (e) {
    const err = e as Error;
    const cls = e instanceof NetworkError ? 'NetworkError' : e instanceof BundleSourceError ? 'BundleSourceError' : err.constructor.name;
    return { cls, kind: (e as Partial<BundleSourceError>).kind, message: err.message };
  }
}

/** fetch answers with `answer()` (or throws it); the returned list records each request's URL and options. */
function stubFetch(answer: () => Response | Error): string[] {
  const asked: string[] = [];
  vi.stubGlobal('fetch', async (u: URL | string, init?: RequestInit) => {
    asked.push(`${String(u)} ${init?.credentials} ${init?.redirect} ${init?.cache}`);
    const a = answer();
    if (a instanceof Error) throw a;
    return a;
  });
  return asked;
}

describe('HttpSource.readVia', () => {
  for (const [name, answer] of Object.entries(answers)) {
    it(`${name}: the same result as reading on this thread`, async () => {
      const asked = stubFetch(answer);
      // the reference: the file streamed on this thread and collected
      const here = new HttpSource(BASE, 'x');
      const want = await outcome(collect(here.stream('checkpoints/000000010.note'), 32, 'checkpoints/000000010.note'));
      const there = new HttpSource(BASE, 'x');
      there.readVia(conn.read);
      const got = await outcome(there.read('checkpoints/000000010.note', 32));
      expect(got).toEqual(want);
      // the same request, for the same URL under the prefix
      expect(asked).toHaveLength(2);
      expect(asked[1]).toBe(asked[0]);
      expect(asked[0]).toBe(`${BASE}checkpoints/000000010.note omit follow no-store`);
      // progress counts a file read through another thread once it has arrived whole
      if ('text' in (want as object)) expect(there.bytesRead).toBe(here.bytesRead);
      else expect(there.bytesRead).toBe(0);
    });
  }

  it('the expected outcomes (the fixture covers every kind)', async () => {
    const seen = new Map<string, unknown>();
    for (const [name, answer] of Object.entries(answers)) {
      vi.stubGlobal('fetch', async () => {
        const a = answer();
        if (a instanceof Error) throw a;
        return a;
      });
      const s = new HttpSource(BASE, 'x');
      s.readVia(conn.read);
      seen.set(name, await outcome(s.read('content/c1', 32)));
    }
    expect(seen.get('ok')).toEqual({ text: 'checkpoint note\n' });
    expect(seen.get('at the limit (undeclared)')).toEqual({ text: 'A'.repeat(32) });
    expect(seen.get('404')).toEqual({ cls: 'BundleSourceError', kind: 'missing', message: 'could not download content/c1: HTTP 404' });
    expect(seen.get('503')).toEqual({ cls: 'BundleSourceError', kind: 'io', message: 'could not download content/c1: HTTP 503' });
    expect(seen.get('rejected')).toEqual({ cls: 'NetworkError', kind: 'io', message: 'could not download content/c1: Failed to fetch' });
    expect(seen.get('rejected without message')).toEqual({ cls: 'NetworkError', kind: 'io', message: 'could not download content/c1: network error' });
    expect(seen.get('broken body')).toEqual({ cls: 'TypeError', kind: undefined, message: 'network error' });
    for (const k of ['over the limit (declared)', 'over the limit (undeclared)']) {
      expect(seen.get(k)).toEqual({ cls: 'BundleSourceError', kind: 'io', message: 'content/c1 is larger than the limit of 32 bytes' });
    }
  });

  it('an unsafe path is refused before anything is fetched', async () => {
    const fetched = vi.fn();
    vi.stubGlobal('fetch', fetched);
    const s = new HttpSource(BASE, 'x');
    s.readVia(conn.read);
    await expect(s.read('../other/x')).rejects.toBeInstanceOf(BundleSourceError);
    expect(fetched).not.toHaveBeenCalled();
  });

  it('the manifest is still read on this thread', async () => {
    vi.stubGlobal('fetch', async () => new Response('{}', { status: 200 }));
    const s = new HttpSource(BASE, 'x');
    const via = vi.fn(conn.read);
    s.readVia(via);
    expect(new TextDecoder().decode(await s.manifest())).toBe('{}');
    expect(via).not.toHaveBeenCalled();
  });
});

describe('HttpSource.read without a pool', () => {
  for (const [name, answer] of Object.entries(answers)) {
    it(`${name}: the same result as stream + collect`, async () => {
      const asked = stubFetch(answer);
      const want = await outcome(collect(new HttpSource(BASE, 'x').stream('content/c1'), 32, 'content/c1'));
      const s = new HttpSource(BASE, 'x');
      expect(await outcome(s.read('content/c1', 32))).toEqual(want);
      expect(asked).toEqual([`${BASE}content/c1 omit follow no-store`, `${BASE}content/c1 omit follow no-store`]);
      if ('text' in (want as object)) expect(s.bytesRead).toBe((want as { text: string }).text.length);
    });
  }

  it('a body in several chunks is read whole, and one over the limit is refused before its end', async () => {
    let pulled = 0;
    const body = () =>
      new ReadableStream<Uint8Array>({
        pull(c) {
          pulled++;
          if (pulled > 50) return c.close();
          c.enqueue(new Uint8Array(8).fill(64 + pulled));
        }
      });
    vi.stubGlobal('fetch', async () => new Response(body(), { status: 200 }));
    const s = new HttpSource(BASE, 'x');
    const bytes = await s.read('content/c1', 400);
    expect(bytes.length).toBe(400);
    expect(Array.from(bytes.subarray(0, 17))).toEqual([...new Array(8).fill(65), ...new Array(8).fill(66), 67]);
    expect(bytes.buffer.byteLength).toBe(400);
    pulled = 0;
    await expect(s.read('content/c1', 100)).rejects.toThrow('content/c1 is larger than the limit of 100 bytes');
    expect(pulled).toBeLessThan(20);
  });

  it('a one-chunk body that is a view into a larger buffer is copied to its own buffer', async () => {
    const big = new Uint8Array(64).fill(7);
    vi.stubGlobal('fetch', async () => ({ ok: true, status: 200, headers: new Headers(), body: new ReadableStream<Uint8Array>({ start(c) { c.enqueue(big.subarray(8, 24)); c.close(); } }) }) as unknown as Response);
    const a = await fetchFile(`${BASE}content/c1`, 100);
    expect(a.ok && a.bytes.length === 16 && a.bytes.byteOffset === 0 && a.bytes.buffer.byteLength === 16).toBe(true);
  });
});

describe('reads declined by the pool', () => {
  it('a declined read (null) is read on this thread, with the same result', async () => {
    vi.stubGlobal('fetch', async () => new Response('note', { status: 200 }));
    const s = new HttpSource(BASE, 'x');
    const via = vi.fn(() => null);
    s.readVia(via);
    expect(new TextDecoder().decode(await s.read('checkpoints/000000010.note'))).toBe('note');
    expect(via).toHaveBeenCalledTimes(1);
    expect(s.bytesRead).toBe(4);
  });

  it('SignaturePool.readFile: only a worker with no signatures outstanding takes a read, else it declines', async () => {
    vi.stubGlobal('fetch', async () => new Response('content', { status: 200 }));
    // workers whose verdicts wait until released, so the signatures stay outstanding
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const fake = (): WorkerLike => inProcessWorker(async () => ({ name: 'test', verifyOne: () => gate.then(() => true) }), { fetchFile });
    const pool = await SignaturePool.start({ threads: 2, createWorker: fake, minChunk: 16 });
    try {
      const read = async () => {
        const r = pool.readFile(`${BASE}content/c1`, 100);
        return r === null ? null : await r;
      };
      expect(await read()).toEqual({ ok: true, bytes: utf8('content') });
      const item = { key: new Uint8Array(32).fill(1), msg: utf8('m'), sig: new Uint8Array(64) };
      const small = pool.verifyBatch(Array.from({ length: 16 }, () => item)); // one chunk: one worker busy, the other idle
      expect(await read()).toEqual({ ok: true, bytes: utf8('content') });
      const more = pool.verifyBatch(Array.from({ length: 16 }, () => item)); // the other worker busy too
      expect(pool.readFile(`${BASE}content/c1`, 100)).toBeNull();
      release();
      await Promise.all([small, more]);
      expect(await read()).toEqual({ ok: true, bytes: utf8('content') });
    } finally {
      pool.close();
    }
  });
});
