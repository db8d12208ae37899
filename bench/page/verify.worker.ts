// The bench's verifier worker: runs bench/page/pipeline.ts on the request it is sent.
import { runPipeline, type BenchRequest } from './pipeline';

self.addEventListener('message', (e: MessageEvent<BenchRequest>) => {
  runPipeline(e.data).then(
    (res) => self.postMessage(res),
    (err: unknown) => self.postMessage({ error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) })
  );
});
