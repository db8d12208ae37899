// One worker of the browser signature pool (signature-pool.ts). Chooses its Ed25519 backend once:
// WebCrypto if the engine has Ed25519 and passes the RFC 8032 known-answer probe, otherwise the
// pure-JS backend (per-signer precomputed tables for hot keys). Every verdict goes through core's
// `verify`, i.e. the §7 prechecks first, so both backends accept exactly the same set.

import { pureBackend, verify, verifyAllPure, type Ed25519Backend } from '../../core/ed25519';
import { serveSignaturePort, type BackendChoice, type PoolRequest, type PoolResponse, type WorkerVerifier } from '../../core/signature-port';
import { detectWebCryptoBackend } from '../ed25519-webcrypto';

async function choose(choice: BackendChoice): Promise<WorkerVerifier> {
  let backend: Ed25519Backend = pureBackend;
  if (choice !== 'pure') {
    const fast = await detectWebCryptoBackend();
    if (fast) backend = fast;
    else if (choice === 'native') throw new Error('WebCrypto Ed25519 is not available or failed its known-answer test');
  }
  const verifyOne = (key: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean | Promise<boolean> => verify(backend, key, msg, sig);
  // The pure backend checks a batch at once (one field inversion per batch), same verdicts.
  return backend === pureBackend ? { name: backend.name, verifyOne, verifyAll: verifyAllPure } : { name: backend.name, verifyOne };
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
serveSignaturePort(
  {
    post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => scope.postMessage(msg, transfer ?? []),
    subscribe(onMessage: (msg: PoolRequest) => void) {
      scope.addEventListener('message', (e: MessageEvent<PoolRequest>) => onMessage(e.data));
    }
  },
  choose
);
