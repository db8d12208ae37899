// One worker_thread of the CLI signature pool (signature-pool.ts): node:crypto (OpenSSL) by
// default, or the pure-JS backend when asked (agreement and bench runs). Every verdict goes through
// core's `verify`, i.e. the §7 prechecks first, so both accept exactly the same set.

import { parentPort } from 'node:worker_threads';
import { pureBackend, verify, verifyAllPure } from '../../lib/core/ed25519';
import { serveSignaturePort, type BackendChoice, type PoolRequest, type PoolResponse, type WorkerVerifier } from '../../lib/core/signature-port';
import { createNodeBackend } from '../ed25519-node';
import { useSha256Backend } from '../../lib/core/hash';
import { nodeSha256Backend } from '../sha256-node';

useSha256Backend(nodeSha256Backend); // event ids and leaf hashes of event batches (answerPacked)

async function choose(choice: BackendChoice): Promise<WorkerVerifier> {
  // The pure backend checks a batch at once (one field inversion per batch), node:crypto a batch's
  // distinct keys once each (core verifyPackedKeyed); the same verdicts as verifyOne either way.
  if (choice === 'pure') return { name: pureBackend.name, verifyOne: (key, msg, sig) => verify(pureBackend, key, msg, sig), verifyAll: verifyAllPure };
  const node = createNodeBackend();
  return { name: node.name, verifyOne: (key, msg, sig) => verify(node, key, msg, sig), keyed: node.keyed };
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
