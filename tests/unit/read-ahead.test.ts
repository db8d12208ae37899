import { describe, expect, it } from 'vitest';
import { BundleSourceError, type BundleSource } from '$lib/core/bundle-source';
import { ReadAhead } from '$lib/core/read-ahead';

/** A source whose reads stay pending until the test releases them, recording what was asked. */
function gatedSource(files: Record<string, string>) {
  const asked: string[] = [];
  const gates = new Map<string, () => void>();
  const source: BundleSource = {
    manifest: () => Promise.reject(new Error('unused')),
    stream: () => {
      throw new Error('unused');
    },
    read(path: string) {
      asked.push(path);
      return new Promise<Uint8Array>((resolve, reject) => {
        gates.set(path, () => (path in files ? resolve(new TextEncoder().encode(files[path])) : reject(new BundleSourceError(path, 'missing', `${path}: missing`))));
      });
    }
  };
  const release = (path: string) => gates.get(path)!();
  return { source, asked, release };
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const files = (n: number, bytes = 10) => Array.from({ length: n }, (_, i) => ({ path: `f${i}`, bytes }));

describe('ReadAhead', () => {
  it('starts wanted reads in order, at most `concurrency` at once', async () => {
    const g = gatedSource({ f0: 'a', f1: 'b', f2: 'c' });
    const ra = new ReadAhead(g.source, files(3), { concurrency: 2 });
    ra.want(0);
    ra.want(1);
    ra.want(2);
    expect(g.asked).toEqual(['f0', 'f1']);
    g.release('f0');
    const r0 = await ra.take(0);
    expect(r0.ok && text(r0.bytes)).toBe('a');
    expect(g.asked).toEqual(['f0', 'f1', 'f2']);
    g.release('f1');
    g.release('f2');
    const [r1, r2] = await Promise.all([ra.take(1), ra.take(2)]);
    expect(r1.ok && text(r1.bytes)).toBe('b');
    expect(r2.ok && text(r2.bytes)).toBe('c');
  });

  it('reads a file once: a want after its take, or a second want, starts nothing', async () => {
    const g = gatedSource({ f0: 'a' });
    const ra = new ReadAhead(g.source, files(1));
    ra.want(0);
    ra.want(0);
    g.release('f0');
    await ra.take(0);
    ra.want(0);
    expect(g.asked).toEqual(['f0']);
    expect(() => ra.take(0)).toThrow(/already taken/);
  });

  it('a take of a file still waiting for a slot reads it at once, ahead of the queue', async () => {
    const g = gatedSource({ f0: 'a', f1: 'b', f2: 'c' });
    const ra = new ReadAhead(g.source, files(3), { concurrency: 1 });
    ra.want(0);
    ra.want(1);
    ra.want(2);
    expect(g.asked).toEqual(['f0']);
    const p2 = ra.take(2);
    expect(g.asked).toEqual(['f0', 'f2']);
    g.release('f2');
    const r2 = await p2;
    expect(r2.ok && text(r2.bytes)).toBe('c');
    g.release('f0');
    await ra.take(0);
    expect(g.asked).toEqual(['f0', 'f2', 'f1']);
  });

  it('drops wants over the byte budget until taken files free it', async () => {
    const g = gatedSource({ f0: 'a', f1: 'b', f2: 'c' });
    const ra = new ReadAhead(g.source, files(3, 10), { maxBytes: 20 });
    ra.want(0);
    ra.want(1);
    ra.want(2); // over budget: dropped
    expect(g.asked).toEqual(['f0', 'f1']);
    g.release('f0');
    await ra.take(0);
    ra.want(2);
    expect(g.asked).toEqual(['f0', 'f1', 'f2']);
  });

  it('a failed read is a settled result for whoever takes it, never an unhandled rejection', async () => {
    const g = gatedSource({});
    const ra = new ReadAhead(g.source, files(1));
    ra.want(0);
    g.release('f0');
    await new Promise((r) => setTimeout(r, 0));
    const r = await ra.take(0);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toBeInstanceOf(BundleSourceError);
  });
});
