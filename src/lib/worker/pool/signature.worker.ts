// One worker of the browser signature pool (signature-pool.ts). Chooses its Ed25519 backend once:
// WebCrypto if the engine has Ed25519 and passes the RFC 8032 known-answer probe, otherwise the
// pure-JS backend (per-signer precomputed tables for hot keys). Every verdict goes through core's
// `verify`, i.e. the §7 prechecks first, so both backends accept exactly the same set.

import { preparePureBackend, pureBackend, verify, verifyAllPure } from '../../core/ed25519';
import { serveSignaturePort, type BackendChoice, type PoolRequest, type PoolResponse, type WorkerVerifier } from '../../core/signature-port';
import { detectWebCryptoBackend } from '../ed25519-webcrypto';
import { fetchFile } from '../sources';
import { createWasmBatchDigests } from '../sha256-wasm';

async function choose(choice: BackendChoice): Promise<WorkerVerifier> {
  if (choice !== 'pure') {
    const fast = await detectWebCryptoBackend();
    if (fast) {
      // A batch's keys are looked up (new ones imported together) once, then its items verified
      // with one subtle.verify each (core verifyPackedKeyed: the same precheck as `verify`).
      return { name: fast.name, verifyOne: (key, msg, sig) => verify(fast, key, msg, sig), keyed: fast.keyed };
    }
    if (choice === 'native') throw new Error('WebCrypto Ed25519 is not available or failed its known-answer test');
  }
  // The table of B is built once this worker has said it is ready, while it waits for its first
  // batch (10-15 ms that would otherwise delay that batch).
  setTimeout(preparePureBackend, 0);
  // The pure backend checks a batch at once (one field inversion per 64 signatures), same verdicts.
  return { name: pureBackend.name, verifyOne: (key, msg, sig) => verify(pureBackend, key, msg, sig), verifyAll: verifyAllPure };
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
serveSignaturePort(
  {
    post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => scope.postMessage(msg, transfer ?? []),
    subscribe(onMessage: (msg: PoolRequest) => void) {
      scope.addEventListener('message', (e: MessageEvent<PoolRequest>) => onMessage(e.data));
    }
  },
  choose,
  {
    fetchFile, // whole bundle files for the ordered pass's thread (HttpSource.readVia)
    digest: async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), // segment hashes (native)
    attestKeys: true, // AEGIS subject key checks (ATTEST_KEY_OK): these workers wait for the ordered pass
    digests: createWasmBatchDigests() ?? undefined // event ids and leaves (WebAssembly SHA-256; core's JS if it cannot compile)
  }
);
