// The bench page: starts the verifier worker on the bundle named in the query string
// (?bundle=URL&threads=N&backend=auto|native|pure[&mode=signatures]) and leaves the result on window.__bench.
// Wall time is measured here, from before the worker is created to the explained result.
// The page itself loads no verifier code: the pipeline is compiled and run in the worker only, as in
// the app, where the page thread renders while the worker verifies (bench/worker-profile.mjs
// profiles the worker threads themselves).
import type { BenchRequest, BenchResponse } from './pipeline';

const q = new URLSearchParams(location.search);
const req: BenchRequest & { mode: 'pipeline' | 'signatures' } = {
  mode: q.get('mode') === 'signatures' ? 'signatures' : 'pipeline',
  bundle: q.get('bundle') ?? '',
  threads: Number(q.get('threads') ?? '2'),
  backend: (q.get('backend') ?? 'auto') as BenchRequest['backend'],
  ...(q.get('batch') ? { batch: Number(q.get('batch')) } : {}),
  ...(q.get('keep') ? { keepPool: true } : {})
};
const w = window as unknown as { __bench?: { wallMs: number } & Partial<BenchResponse> & { error?: string } };
// With ?wait=1 the harness starts the run itself (window.__start) once the browser has gone quiet
// after its launch (bench/browser.mjs); otherwise the run starts on load.
let t0 = performance.now();
if (q.get('wait')) {
  (window as unknown as { __start: () => void }).__start = () => {
    t0 = performance.now();
    startWorker();
  };
} else startWorker();

function startWorker(): void {
  const worker = new Worker(new URL('./verify.worker.js', import.meta.url), { type: 'module', name: 'atlas-verifier' });
  worker.addEventListener('message', (e: MessageEvent<BenchResponse>) => {
    w.__bench = { ...e.data, wallMs: performance.now() - t0 };
    if (!req.keepPool) worker.terminate();
  });
  worker.addEventListener('error', (e) => (w.__bench = { wallMs: performance.now() - t0, error: e.message || 'worker failed to load' }));
  worker.postMessage(req);
}
