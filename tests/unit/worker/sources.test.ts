import { describe, expect, it } from 'vitest';
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
