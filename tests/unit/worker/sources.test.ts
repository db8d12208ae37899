import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileSource, HttpSource, collect, safeRelativePath } from '../../../src/lib/worker/sources';
import { BundleSourceError } from '../../../src/lib/core/bundle-source';

function file(path: string, text: string): File {
  const f = new File([text], path.split('/').pop()!);
  if (path.includes('/')) Object.defineProperty(f, 'webkitRelativePath', { value: path });
  return f;
}

describe('safeRelativePath', () => {
  it('accepts bundle paths and refuses traversal, absolute paths and schemes', () => {
    expect(safeRelativePath('segments/000000.ndjson')).toBe(true);
    for (const bad of ['', '/etc/passwd', '../x', 'a/../b', 'a//b', './a', 'https://evil.example/x', 'a\\b', 'javascript:alert(1)']) {
      expect(safeRelativePath(bad), bad).toBe(false);
    }
  });

  it('HttpSource never builds a URL outside its prefix', () => {
    const s = new HttpSource('https://example.org/ledger', 'x');
    expect(s.url('segments/000000.ndjson').href).toBe('https://example.org/ledger/segments/000000.ndjson');
    expect(() => s.url('../other/manifest.json')).toThrow(BundleSourceError);
    expect(() => s.url('//evil.example/x')).toThrow(BundleSourceError);
    expect(() => new HttpSource('file:///etc/', 'x')).toThrow(TypeError);
  });
});

describe('FileSource', () => {
  it('maps a picked folder to bundle paths via where manifest.json sits', async () => {
    const s = new FileSource([file('my-ledger/manifest.json', '{}'), file('my-ledger/segments/000000.ndjson', 'a\n'), file('my-ledger/checkpoints/000000001.note', 'n')]);
    expect(new TextDecoder().decode(await s.manifest())).toBe('{}');
    expect(new TextDecoder().decode(await s.read('segments/000000.ndjson'))).toBe('a\n');
    expect(s.bytesRead).toBe(4);
  });

  it('matches plain picked files by unique name, and reports a missing file as missing', async () => {
    const s = new FileSource([file('manifest.json', '{}'), file('000000.ndjson', 'b\n')]);
    expect(new TextDecoder().decode(await s.read('segments/000000.ndjson'))).toBe('b\n');
    const err = await s.read('segments/000001.ndjson').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BundleSourceError);
    expect((err as BundleSourceError).kind).toBe('missing');
  });

  it('does not guess between two files of the same name', () => {
    const s = new FileSource([file('a/000000.ndjson', 'x'), file('b/000000.ndjson', 'y')]);
    expect(s.file('segments/000000.ndjson')).toBeNull();
  });
});

describe('collect', () => {
  it('refuses more than the limit instead of buffering it', async () => {
    async function* chunks() {
      yield new Uint8Array(10);
      yield new Uint8Array(10);
    }
    await expect(collect(chunks(), 15, 'x')).rejects.toThrow(/larger than the limit/);
    expect((await collect(chunks(), 20, 'x')).length).toBe(20);
  });
});

describe('HttpSource.streamTransient', () => {
  afterEach(() => void vi.unstubAllGlobals());
  const bytes = new Uint8Array(700_000);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 9)) & 255;
  /** A body arriving in uneven pieces, as a byte stream (a BYOB reader works) or a default one (it does not). */
  const body = (type: 'bytes' | undefined): ReadableStream<Uint8Array> => {
    const start = (c: { enqueue(chunk: Uint8Array<ArrayBuffer>): void; close(): void }) => {
      for (let o = 0, n = 1000; o < bytes.length; o += n, n = (n * 3) % 300_001) c.enqueue(bytes.slice(o, o + n));
      c.close();
    };
    return type ? new ReadableStream({ type, start }) : new ReadableStream<Uint8Array>({ start });
  };

  it('gives the bytes stream gives, counted, each chunk read into the memory of the one before (byte streams)', async () => {
    for (const type of ['bytes', undefined] as const) {
      vi.stubGlobal('fetch', async () => new Response(body(type), { status: 200 }));
      const s = new HttpSource('https://ledger.example/b/', 'x');
      const got = new Uint8Array(bytes.length);
      let at = 0;
      let previous: Uint8Array | null = null;
      let reused = 0;
      for await (const c of s.streamTransient('segments/000000.ndjson')) {
        if (previous !== null && previous.byteLength === 0) reused++; // its memory went to this read
        got.set(c, at);
        at += c.length;
        previous = c;
      }
      expect(at, String(type)).toBe(bytes.length);
      expect(Buffer.compare(got, bytes)).toBe(0);
      expect(s.bytesRead).toBe(bytes.length);
      if (type === 'bytes') expect(reused).toBeGreaterThan(1);
      else expect(reused).toBe(0);
    }
  });

  it('fails as stream fails: the same error class, kind and message', async () => {
    const errorOf = async (it: AsyncIterable<Uint8Array>) => {
      try {
        for await (const _ of it) void _;
      } catch (e) {
        return { cls: (e as Error).constructor.name, kind: (e as BundleSourceError).kind, message: (e as Error).message };
      }
      return null;
    };
    for (const answer of [() => new Response('gone', { status: 404 }), () => new Response('x', { status: 503 }), () => Promise.reject(new TypeError('Failed to fetch'))]) {
      vi.stubGlobal('fetch', async () => answer());
      const s = new HttpSource('https://ledger.example/b/', 'x');
      const want = await errorOf(s.stream('segments/000001.ndjson'));
      expect(want).not.toBeNull();
      expect(await errorOf(s.streamTransient('segments/000001.ndjson'))).toEqual(want);
    }
  });
});
