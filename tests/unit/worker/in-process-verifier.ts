// The app's verifier worker (src/lib/worker/verifier.worker.ts) run in this process through its
// real comlink protocol: the module exposes its api on `globalThis` (a dedicated worker's scope),
// here one end of a MessageChannel, and the test talks to the other end, so every answer is
// structured-cloned as in the browser. Plus the small HTTP server those tests load bundles from.
import { createServer, type Server } from 'node:http';
import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter';
import type { VerifierApi } from '../../../src/lib/worker/verifier.worker';

/** Import the worker module once per test file and wrap its api; `close()` ends the channel. */
export async function startVerifierWorker(): Promise<{ remote: Comlink.Remote<VerifierApi>; close(): void }> {
  const channel = new MessageChannel();
  const ep = nodeEndpoint(channel.port2 as never);
  Object.assign(globalThis, { addEventListener: ep.addEventListener, removeEventListener: ep.removeEventListener, postMessage: ep.postMessage });
  await import('../../../src/lib/worker/verifier.worker');
  return {
    remote: Comlink.wrap<VerifierApi>(nodeEndpoint(channel.port1 as never)),
    close: () => {
      channel.port1.close();
      channel.port2.close();
    }
  };
}

/**
 * Serve on 127.0.0.1 (random port) the bytes `lookup` finds for a request's path (decoded, split
 * into its segments), 404 when none; with CORS, as a bundle host. While `dropped()` holds, every
 * connection is dropped (fetch rejects, as offline). Resolves to the base URL and the server.
 */
export async function serveBytes(lookup: (parts: string[]) => Uint8Array | null, dropped: () => boolean = () => false): Promise<{ base: string; server: Server }> {
  const server = createServer((req, res) => {
    if (dropped()) return void req.socket.destroy();
    const bytes = lookup(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).split('/').slice(1));
    if (bytes === null) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': bytes.length, 'access-control-allow-origin': '*' }).end(bytes);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  return { base: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`, server };
}
