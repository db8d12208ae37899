// The bench pipeline, run by the bench's verifier worker (verify.worker.ts): the same pipeline as the app's worker (src/lib/worker/verifier.worker.ts)
// without its IndexedDB cache and UI plumbing: HttpSource streaming → verifyBundleSource (segments,
// chain, signatures through the SignaturePool, log, checkpoints) → the economy Replayer → one
// Explain-This query, timed from the first byte requested to the explanation in hand.
import { verifyBundleSource } from '$lib/core/bundle-verifier';
import type { BundleSource } from '$lib/core/bundle-source';
import { sequentialVerifier, type SignatureVerifier } from '$lib/core/report';
import { pureBackend } from '$lib/core/ed25519';
import { Replayer } from '$lib/core/economy/replayer';
import { detectWebCryptoBackend } from '$lib/worker/ed25519-webcrypto';
import { SignaturePool } from '$lib/worker/pool/signature-pool';
import { HttpSource } from '$lib/worker/sources';

export interface BenchRequest {
  bundle: string;
  /** 0 = single thread (signatures verified in this worker), N = a pool of N signature workers. */
  threads: number;
  backend: 'auto' | 'native' | 'pure';
  batch?: number;
  /** Profiling aid (bench/worker-profile.mjs): leave the signature workers running after the run, so their profiles can be taken. */
  keepPool?: boolean;
}

export interface BenchResponse {
  ok: boolean;
  events: number;
  signatures: number;
  backend: string;
  threads: number;
  failures: Array<{ code: string; seq: number | null; message: string }>;
  explained: string | null;
  ms: { start: number; verified: number; explained: number };
  heapMB: number | null;
  error?: string;
}

export async function runPipeline(req: BenchRequest): Promise<BenchResponse> {
  const t0 = performance.now();
  let pool: SignaturePool | null = null;
  let signatures: SignatureVerifier | Promise<SignatureVerifier>;
  let backend = '';
  let tStart = 0; // when the signature verifier is up
  // As in the app's worker: the manifest downloads while the signature workers start.
  const source = new HttpSource(new URL(req.bundle, self.location.href), 'bench');
  const manifest = source.manifest();
  manifest.catch(() => undefined);
  const early: BundleSource = { label: source.label, manifest: () => manifest, stream: (p) => source.stream(p), read: (p) => source.read(p) };
  if (req.threads > 0) {
    // As in the app's worker: the verification starts (manifest, trust, first segment download)
    // while the pool's workers start; it awaits the pool before its first line.
    signatures = SignaturePool.start({
      threads: req.threads,
      backend: req.backend,
      createWorker: () => new Worker(new URL('./signature.worker.js', self.location.href.replace(/[^/]*$/, '')), { type: 'module', name: 'atlas-signatures' })
    }).then((p) => {
      pool = p;
      backend = p.backend;
      source.readVia(p.readFile); // checkpoint notes and content are fetched in idle signature workers
      tStart = performance.now();
      return p;
    });
  } else {
    const web = req.backend === 'pure' ? null : await detectWebCryptoBackend();
    const b = web ?? pureBackend;
    signatures = sequentialVerifier(b);
    backend = b.name;
    tStart = performance.now();
  }
  // As in the app's worker: checkpoint notes are verified on this thread (its backend probed meanwhile).
  const notes = req.threads > 0 ? detectWebCryptoBackend().then((web) => sequentialVerifier(web ?? pureBackend)) : null;
  let replayer: Replayer | null = null;
  try {
    const { report } = await verifyBundleSource(early, {
      signatures,
      ...(notes ? { noteSignatures: await notes } : {}),
      replayer: (identity) => (replayer = new Replayer(identity)),
      ...(req.batch ? { batch: req.batch } : {})
    });
    const tVerified = performance.now();
    // "Explainable": the top account's reward in the last closed epoch, explained.
    let explained: string | null = null;
    const r = replayer as Replayer | null;
    if (r) {
      const top = r.accounts().sort((a, b) => b.rewards - a.rewards)[0];
      const epoch = r.lastClosedEpoch();
      if (top && epoch !== null) {
        for (let e = epoch; e >= 0 && explained === null; e--) if (r.explainReward(top.account, e)) explained = `${top.account}@${e}`;
      }
    }
    const tExplained = performance.now();
    const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
    return {
      ok: report.ok,
      events: report.events,
      signatures: report.signaturesVerified,
      backend,
      threads: req.threads,
      failures: report.failures.slice(0, 3).map((f) => ({ code: f.code, seq: f.seq, message: f.message })),
      explained,
      ms: { start: tStart - t0, verified: tVerified - t0, explained: tExplained - t0 },
      heapMB: mem ? mem.usedJSHeapSize / 2 ** 20 : null
    };
  } finally {
    if (!req.keepPool) (pool as SignaturePool | null)?.close();
  }
}

