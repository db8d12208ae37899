// The bench's verifier worker: runs bench/page/pipeline.ts on the request it is sent.
import { runPipeline, type BenchRequest } from './pipeline';
import { runSignaturesOnly } from './signatures-only';

self.addEventListener('message', (e: MessageEvent<BenchRequest & { mode?: 'pipeline' | 'signatures' }>) => {
  const r = e.data;
  const workerUrl = new URL('./signature.worker.js', self.location.href.replace(/[^/]*$/, ''));
  (r.mode === 'signatures' ? runSignaturesOnly(r.bundle, r.threads, r.backend, workerUrl) : runPipeline(r)).then(
    (res) => self.postMessage(res),
    (err: unknown) => self.postMessage({ error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) })
  );
});
