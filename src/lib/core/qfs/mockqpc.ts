// MOCKQPC v1: the deterministic stand-in for post-quantum signatures that QFS v15 uses in its dev,
// beta and ci environments, including for every EvidenceBus envelope (qfs-domain.md §1.4).
//
//   sk  = HKDF-SHA512(ikm = SEED, salt = env, info = "MOCKQPC_PRIVATE_KEY_V1", L = 64)   (RFC 5869)
//   sig = HKDF-Expand-SHA512(prk = SHA3-512(sk ‖ hash32 ‖ "MOCK_PQC_SIG_V1"),
//                            info = "MOCKQPC_SIGNATURE_EXPAND_V1" ‖ hash32, L = 128)
//
// SEED is a public constant, so the "private" key of every environment is public: anyone can
// produce a valid signature for any hash. A signature that verifies proves only that the hash was
// not altered after signing (integrity), never who signed it (authorship). Verification is
// recomputation and a byte comparison. Reproduces 234/234 + 11/11 + 1/1 real signatures with env
// "dev" (tests/vectors/qfs).

import { extract, expand } from '@noble/hashes/hkdf.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes, utf8 } from '../bytes';
import { sha3_512 } from '../hash';
import type { MockqpcEnv } from './report';

export const MOCKQPC_SEED = 'QFS_ATLAS_MOCKQPC_v1.4_DETERMINISTIC_SEED';
export const MOCKQPC_ENVS: readonly MockqpcEnv[] = ['dev', 'beta', 'mainnet'];
export const MOCKQPC_SIGNATURE_BYTES = 128;

const KEY_INFO = utf8('MOCKQPC_PRIVATE_KEY_V1');
const SIG_TAG = utf8('MOCK_PQC_SIG_V1');
const SIG_INFO = utf8('MOCKQPC_SIGNATURE_EXPAND_V1');

const keys = new Map<MockqpcEnv, Uint8Array>();

/** The (public) 64-byte MOCKQPC private key of an environment. */
export function mockqpcPrivateKey(env: MockqpcEnv): Uint8Array {
  if (!MOCKQPC_ENVS.includes(env)) throw new RangeError(`unknown MOCKQPC environment ${String(env)}`);
  let k = keys.get(env);
  if (k === undefined) {
    k = expand(sha512, extract(sha512, utf8(MOCKQPC_SEED), utf8(env)), KEY_INFO, 64);
    keys.set(env, k);
  }
  return k;
}

/** The 128-byte MOCKQPC signature of a 32-byte hash. */
export function mockqpcSign(hash: Uint8Array, env: MockqpcEnv): Uint8Array {
  if (hash.length !== 32) throw new RangeError(`MOCKQPC signs a 32-byte hash, got ${hash.length} bytes`);
  const prk = sha3_512(concatBytes(mockqpcPrivateKey(env), hash, SIG_TAG));
  return expand(sha512, prk, concatBytes(SIG_INFO, hash), MOCKQPC_SIGNATURE_BYTES);
}

/** True when `sig` is the MOCKQPC signature of `hash` in `env`. */
export function mockqpcVerify(hash: Uint8Array, sig: Uint8Array, env: MockqpcEnv): boolean {
  if (hash.length !== 32 || sig.length !== MOCKQPC_SIGNATURE_BYTES) return false;
  return bytesEqual(mockqpcSign(hash, env), sig);
}

/**
 * The environment under which `sig` verifies, trying `preferred` first (the previous line's env,
 * so a uniform file costs one signature per line), or null when it verifies under none.
 */
export function mockqpcEnvOf(hash: Uint8Array, sig: Uint8Array, preferred: MockqpcEnv | null = null): MockqpcEnv | null {
  if (preferred !== null && mockqpcVerify(hash, sig, preferred)) return preferred;
  for (const env of MOCKQPC_ENVS) {
    if (env !== preferred && mockqpcVerify(hash, sig, env)) return env;
  }
  return null;
}
