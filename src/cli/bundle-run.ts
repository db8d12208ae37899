// What the bundle commands share: open a BUNDLE argument, read a pinned trust file, and run the
// verifier with node:crypto Ed25519 (behind the §7 prechecks) or a worker pool.

import { readFile } from 'node:fs/promises';
import type { BundleSource } from '../lib/core/bundle-source';
import { parseTrustDoc, type TrustDoc } from '../lib/core/manifest';
import { sequentialVerifier, type SignatureVerifier } from '../lib/core/report';
import { verifyBundle, type VerifyResult } from '../lib/core/verify-bundle';
import type { Progress } from '../lib/core/types';
import { UsageError } from './command';
import { nodeBackend } from './ed25519-node';
import { openBundle } from './node-source';

export async function readTrustFile(path: string): Promise<TrustDoc> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the trust file ${path}: ${(e as Error).message}`);
  }
  const t = parseTrustDoc(text);
  if (typeof t === 'string') throw new UsageError(`${path} is not a trust file ({"aegis","governance","policy"}): ${t}`);
  return t;
}

export async function bundleSource(arg: string): Promise<BundleSource> {
  const loc = await openBundle(arg);
  if (loc.kind !== 'bundle') throw new UsageError(`${arg} is not a bundle (a directory, its manifest.json or an http(s) URL)`);
  return loc.source;
}

export interface RunOptions {
  trust?: string;
  audit?: boolean;
  threads?: number;
  economy?: 'replay' | 'authenticity-only';
  progress?: (p: Progress) => void;
}

/** Verify the bundle at `source`; the pool (when threads > 0) is shut down afterwards. */
export async function runVerification(source: BundleSource, o: RunOptions): Promise<VerifyResult> {
  // The pool's worker threads start while the trust file, the manifest and the segments are read: a
  // batch sent before they are up waits for them (deferred), so this thread reads and cuts the first
  // batches meanwhile instead of waiting for the workers first (issue 7, session 9).
  const pool = o.threads && o.threads > 0 ? startPool(o.threads) : null;
  pool?.catch(() => undefined); // reported where verification awaits it
  // The pool's workers are unref'd; a timer keeps the process alive while verdicts are pending.
  const keepAlive = setInterval(() => {}, 1 << 30);
  try {
    const trust = o.trust ? await readTrustFile(o.trust) : undefined;
    const result = await verifyBundle(source, {
      // With a pool, checkpoint notes are still verified on this thread (see VerifyOptions.noteSignatures).
      ...(pool ? { signatures: deferred(pool), noteSignatures: sequentialVerifier(nodeBackend) } : { backend: nodeBackend }),
      ...(trust ? { trust } : {}),
      mode: o.audit ? 'audit' : 'stop',
      economy: o.economy ?? 'replay',
      ...(o.progress ? { onProgress: o.progress } : {}),
      batch: pool ? POOL_BATCH : 512
    });
    await pool; // a pool that could not start fails the run even if no batch was sent to it
    return result;
  } finally {
    clearInterval(keepAlive);
    await pool?.then((p) => p.close(), () => undefined);
  }
}

/**
 * Events per batch with a pool: 4,096. Session 9 tried 1,024 (the first batch reaches the workers
 * sooner, and fewer lines wait in flight: peak RSS 10k 124 -> 116 MB, 100k 204-212 -> 178-179 MB,
 * 1M 483-497 -> 462-473 MB), but on the 1M ledger, in 2 alternating pairs on a quiet machine, it
 * cost 151.2 / 156.0 -> 164.5 / 162.5 CPU-s and 77.7 / 79.7 -> 84.9 / 84.2 s, against no clear gain
 * at 10k or 100k; the 1M time is the target (bench/README.md, session 9).
 */
export const POOL_BATCH = 4096;

/** A SignatureVerifier with the event path (the pools' answers carry event ids and leaf hashes). */
type EventsVerifier = SignatureVerifier & Required<Pick<SignatureVerifier, 'verifyEvents'>>;

/**
 * The starting pool as a SignatureVerifier now: each request waits for the workers (a pool that
 * failed to start rejects it with its error). Verdicts and digests are the pool's own.
 */
export function deferred(pool: PromiseLike<EventsVerifier>): SignatureVerifier {
  return {
    verifyBatch: (items) => Promise.resolve(pool).then((p) => p.verifyBatch(items)),
    verifyEvents: (lines) => Promise.resolve(pool).then((p) => p.verifyEvents(lines))
  };
}

/** A pool of `threads` worker threads, as a SignatureVerifier that can be closed. */
async function startPool(threads: number): Promise<EventsVerifier & { close(): Promise<void> }> {
  const { CliSignaturePool } = await import('./pool/signature-pool');
  const p = await CliSignaturePool.start({ threads });
  return { verifyBatch: (items) => p.verifyBatch(items), verifyEvents: (items) => p.verifyEvents(items), close: () => p.close() };
}

/** Parse a non-negative integer option. */
export function intOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(v) || !Number.isSafeInteger(Number(v))) throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return Number(v);
}

/**
 * For commands that serve data from a verified log (proof, entry): verify, and when the bundle
 * does not verify print its first failure as one line and return null (the command exits 1).
 */
export async function verifiedIndex(command: string, source: BundleSource, trust: string | undefined, err: (line: string) => void) {
  const { report, index } = await runVerification(source, trust ? { trust } : {});
  if (report.ok && index) return index;
  const f = report.failures[0];
  err(`atlas ${command}: the bundle does not verify${f ? `: seq ${f.seq ?? '-'} ${f.code} ${f.message}` : ''}`);
  return null;
}
