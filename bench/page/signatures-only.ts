// The signature stage alone (bench mode `signatures`): every event's (key, signed message,
// signature) is prepared first, untimed, exactly as bundle-verifier's #dispatch builds them; then
// the pool verifies them all with several batches in flight, timed. This isolates what the
// Ed25519 backends reach with N workers (the number to compare with OpenSSL's N-core rate) from
// the rest of the pipeline, which runs on the verifier thread.
import { fromBase64 } from '$lib/core/bytes';
import { parseEnvelope, signedMessage } from '$lib/core/envelope';
import { parseManifest } from '$lib/core/manifest';
import type { SignatureItem } from '$lib/core/signature-batch';
import { SignaturePool } from '$lib/worker/pool/signature-pool';
import { HttpSource, collect } from '$lib/worker/sources';

export interface SignaturesOnlyResult {
  ok: boolean;
  events: number;
  backend: string;
  threads: number;
  valid: number;
  ms: { prepare: number; start: number; verify: number };
}

export async function runSignaturesOnly(bundle: string, threads: number, backend: 'auto' | 'native' | 'pure', workerUrl: URL): Promise<SignaturesOnlyResult> {
  const t0 = performance.now();
  const source = new HttpSource(new URL(bundle, self.location.href), 'bench');
  const parsed = parseManifest(await source.manifest());
  if (!parsed.ok) throw new Error(`manifest: ${parsed.finding.message}`);
  const items: SignatureItem[] = [];
  let seq = 0;
  for (const seg of parsed.manifest.segments) {
    const bytes = await collect(source.stream(seg.path), 64 * 2 ** 20, seg.path);
    let from = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, from)) {
      const p = parseEnvelope(bytes.subarray(from, nl), seq++);
      if (!p.ok) throw new Error(`seq ${seq - 1}: ${p.finding.message}`);
      items.push({ key: fromBase64(p.value.key)!, msg: signedMessage(p.value), sig: fromBase64(p.value.sig)! });
      from = nl + 1;
    }
  }
  const t1 = performance.now();
  const pool = await SignaturePool.start({ threads, backend, createWorker: () => new Worker(workerUrl, { type: 'module', name: 'atlas-signatures' }) });
  const t2 = performance.now();
  try {
    const BATCH = 1024;
    const IN_FLIGHT = 2 * threads;
    let valid = 0;
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < items.length) {
        const start = next;
        next = Math.min(items.length, next + BATCH);
        for (const v of await pool.verifyBatchBytes(items.slice(start, next))) valid += v;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    const t3 = performance.now();
    return { ok: valid === items.length, events: items.length, backend: pool.backend, threads, valid, ms: { prepare: t1 - t0, start: t2 - t1, verify: t3 - t2 } };
  } finally {
    pool.close();
  }
}
