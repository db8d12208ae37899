// Test fixtures for the ledger layer: bundles written by the reference issuer into a temp
// directory and read back as in-memory files. `closeOnlyEconomy` lets the authenticity tests run
// without the economy replay: each epoch ends with just its epoch.close (state root of zeros).

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { policyHash } from '../../src/lib/core/economy/policy';
import { canonicalBytes, parseCanonical, type Json } from '../../src/lib/core/canonical-json';
import { sha256Hex } from '../../src/lib/core/hash';
import { generateBundle, type GenerateResult, type IssuerEconomy } from '../../src/issuer/generate';

export const closeOnlyEconomy = (): IssuerEconomy => {
  const policies: Array<{ from: number; hash: string }> = [];
  return {
    apply(env) {
      if (env.type === 'policy.activate') {
        const p = env.payload as { fromEpoch: number; policy: Json };
        policies.push({ from: p.fromEpoch, hash: policyHash(p.policy) });
      }
      return [];
    },
    expectedEpochEnd(epoch) {
      const inForce = policies.filter((p) => p.from <= epoch).sort((a, b) => a.from - b.from).pop();
      return [{ type: 'epoch.close', signer: 'operator', policy: inForce!.hash, payload: { epoch, stateRoot: '0'.repeat(64) } }];
    }
  };
};

export interface Fixture {
  dir: string;
  files: Map<string, Uint8Array>;
  result: GenerateResult;
  source(chunk?: number): MemorySource;
  cleanup(): void;
}

export function readDir(dir: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.set(relative(dir, p).split('\\').join('/'), new Uint8Array(readFileSync(p)));
    }
  };
  walk(dir);
  files.delete('trust.json');
  return files;
}

export async function makeFixture(events: number, seed: string, economy: 'close-only' | 'replay' = 'close-only'): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'atlas-fixture-'));
  const result = await generateBundle({ out: dir, events, seed, ...(economy === 'close-only' ? { economy: closeOnlyEconomy } : {}) });
  const files = readDir(dir);
  return {
    dir,
    files,
    result,
    source: (chunk) => new MemorySource(new Map(files), chunk ? { chunk } : {}),
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  };
}

// ---- editing bundles in tests ------------------------------------------------------------------


type Obj = { [k: string]: Json };

export function manifestOf(files: Map<string, Uint8Array>): Obj {
  return parseCanonical(new TextDecoder().decode(files.get('manifest.json')!)) as Obj;
}

export function setManifest(files: Map<string, Uint8Array>, m: Obj): void {
  files.set('manifest.json', canonicalBytes(m));
}

/** Lines of segment file `path` (without newlines). */
export function segmentLines(files: Map<string, Uint8Array>, path: string): string[] {
  const text = new TextDecoder().decode(files.get(path)!);
  return text.slice(0, -1).split('\n');
}

/** Where seq lies: segment path and line index. */
export function locateSeq(files: Map<string, Uint8Array>, seq: number): { path: string; line: number } {
  for (const s of manifestOf(files)['segments'] as Obj[]) {
    const first = s['firstSeq'] as number;
    if (seq >= first && seq < first + (s['count'] as number)) return { path: s['path'] as string, line: seq - first };
  }
  throw new RangeError(`seq ${seq} not in the bundle`);
}

/** Replace segment `path` with `lines` and keep the manifest's bytes/sha256/count (and the counts after it) in step. */
export function writeSegment(files: Map<string, Uint8Array>, path: string, lines: string[], trailingNewline = true): void {
  const bytes = new TextEncoder().encode(lines.join('\n') + (trailingNewline ? '\n' : ''));
  files.set(path, bytes);
  const m = manifestOf(files);
  const segs = m['segments'] as Obj[];
  let next = 0;
  for (const s of segs) {
    s['firstSeq'] = next;
    if (s['path'] === path) {
      s['bytes'] = bytes.length;
      s['sha256'] = sha256Hex(bytes);
      s['count'] = lines.length;
    }
    next += s['count'] as number;
  }
  setManifest(files, m);
}

export function envelopeAt(files: Map<string, Uint8Array>, seq: number): Obj {
  const { path, line } = locateSeq(files, seq);
  return JSON.parse(segmentLines(files, path)[line]!) as Obj;
}

export function replaceLine(files: Map<string, Uint8Array>, seq: number, line: string): void {
  const loc = locateSeq(files, seq);
  const lines = segmentLines(files, loc.path);
  lines[loc.line] = line;
  writeSegment(files, loc.path, lines);
}

/** Seqs of events of `type`, in order. */
export function seqsOfType(files: Map<string, Uint8Array>, type: string): number[] {
  const out: number[] = [];
  for (const s of manifestOf(files)['segments'] as Obj[]) {
    segmentLines(files, s['path'] as string).forEach((l, i) => {
      if ((JSON.parse(l) as Obj)['type'] === type) out.push((s['firstSeq'] as number) + i);
    });
  }
  return out;
}
