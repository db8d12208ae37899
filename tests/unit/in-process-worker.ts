// A browser signature worker stand-in for tests: the pool talks to one end of a MessageChannel and
// the real protocol (core/signature-port.ts serveSignaturePort) serves the other, in this process.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { serveSignaturePort, type BackendChoice, type PoolRequest, type PoolResponse, type WorkerHost, type WorkerVerifier } from '../../src/lib/core/signature-port';
import type { WorkerLike } from '../../src/lib/worker/pool/signature-pool';

/** `observe` sees every answer the worker posts, before the pool does. */
export function inProcessWorker(choose: (choice: BackendChoice) => Promise<WorkerVerifier>, host: WorkerHost = {}, observe?: (msg: PoolResponse) => void): WorkerLike {
  const { port1, port2 } = new MessageChannel();
  serveSignaturePort(
    {
      post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => {
        observe?.(msg);
        port2.postMessage(msg, transfer ?? []);
      },
      subscribe: (on: (msg: PoolRequest) => void) => void port2.on('message', on)
    },
    choose,
    host
  );
  const listeners: Array<(e: { data?: unknown }) => void> = [];
  port1.on('message', (data: unknown) => listeners.forEach((l) => l({ data })));
  return {
    postMessage: (msg: unknown, transfer: ArrayBuffer[]) => port1.postMessage(msg, transfer),
    addEventListener: (type: string, l: (e: { data?: unknown }) => void) => {
      if (type === 'message') listeners.push(l);
    },
    terminate: () => {
      port1.close();
      (port2 as MessagePort).close();
    }
  };
}
