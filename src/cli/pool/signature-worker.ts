// One worker_thread of the CLI signature pool (signature-pool.ts): node:crypto (OpenSSL) by
// default, or the pure-JS backend when asked (agreement and bench runs). Every verdict goes through
// core's `verify`, i.e. the §7 prechecks first, so both accept exactly the same set.

import { parentPort } from 'node:worker_threads';
import { pureBackend, verify, verifyAllPure, type Ed25519Backend } from '../../lib/core/ed25519';
import { serveSignaturePort, type BackendChoice, type PoolRequest, type PoolResponse, type WorkerVerifier } from '../../lib/core/signature-port';
import { createNodeBackend } from '../ed25519-node';
import { useSha256Backend } from '../../lib/core/hash';
import { nodeSha256Backend } from '../sha256-node';

useSha256Backend(nodeSha256Backend); // event ids and leaf hashes of event batches (answerPacked)

async function choose(choice: BackendChoice): Promise<WorkerVerifier> {
  const backend: Ed25519Backend = choice === 'pure' ? pureBackend : createNodeBackend();
  const verifyOne = (key: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean | Promise<boolean> => verify(backend, key, msg, sig);
  // The pure backend checks a batch at once (one field inversion per batch), same verdicts.
  return backend === pureBackend ? { name: backend.name, verifyOne, verifyAll: verifyAllPure } : { name: backend.name, verifyOne };
}

const port = parentPort;
if (!port) throw new Error('signature-worker: must run as a worker_thread');
serveSignaturePort(
  {
    post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => port.postMessage(msg, transfer ?? []),
    subscribe(onMessage: (msg: PoolRequest) => void) {
      port.on('message', onMessage);
    }
  },
  choose
);
