// Segment chunks that are only valid until the next one is asked for (BundleSource.streamTransient,
// issue 7: the browser reads a segment into one reused buffer). The ordered pass must copy whatever
// it keeps of a chunk: here the source scribbles over its one buffer before every next chunk, and
// every report (honest and every tamper kind, stop and audit mode) equals the one from fresh chunks.
import { describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import { sequentialVerifier, type VerifyReport } from '../../src/lib/core/report';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { TAMPER_KINDS, type BundleFiles, type TamperSource } from '../../src/issuer/tamper';
import { memoryOf } from './bundle-report';
import { useGeneratedLedger } from './generated-ledger';

let source: TamperSource;
useGeneratedLedger('transient-stream', 300, (s) => (source = s));

/** A MemorySource whose transient streams reuse one buffer, overwritten with 0xee before each next chunk. */
class ScribblingSource extends MemorySource {
  chunks = 0;
  async *streamTransient(path: string): AsyncIterable<Uint8Array> {
    const bytes = this.files.get(path);
    if (!bytes) {
      yield* this.stream(path); // raises what stream raises
      return;
    }
    const buf = new Uint8Array(5000);
    let size = 701;
    for (let o = 0; o < bytes.length; ) {
      buf.fill(0xee);
      const n = Math.min(size, bytes.length - o);
      buf.set(bytes.subarray(o, o + n));
      o += n;
      size = size >= 3900 ? 701 : size + 1117; // uneven sizes: lines cut anywhere
      this.chunks++;
      yield buf.subarray(0, n);
    }
    buf.fill(0xee);
  }
}

function scribbling(b: BundleFiles): ScribblingSource {
  return new ScribblingSource(memoryOf(b).files);
}

async function report(s: MemorySource, mode: 'stop' | 'audit'): Promise<VerifyReport> {
  return (await verifyBundle(s, { signatures: sequentialVerifier(nodeBackend), mode, batch: 37 })).report;
}

describe('transient segment chunks', () => {
  it('honest ledger: the same report as from fresh chunks, and the transient stream was the one read', async () => {
    const s = scribbling(source.bundle);
    const got = await report(s, 'stop');
    expect(s.chunks).toBeGreaterThan(50);
    expect(got.ok).toBe(true);
    expect(got).toEqual(await report(memoryOf(source.bundle), 'stop'));
  });

  it('every tamper kind: the same findings as from fresh chunks, in stop and audit mode', async () => {
    for (const kind of TAMPER_KINDS) {
      const t = source.tamper(kind, 1);
      for (const mode of ['stop', 'audit'] as const) {
        expect(await report(scribbling(t.bundle), mode), `${kind} ${mode}`).toEqual(await report(memoryOf(t.bundle), mode));
      }
    }
  });
});
