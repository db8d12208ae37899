// Issuer keys: every key is derived from the seed and a name (SHA-256 of both), so a bundle is
// reproducible, and signs with node:crypto Ed25519 (RFC 8032) from the 32-byte seed through the
// PKCS#8 prefix 302e020100300506032b657004220420.

import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { toBase64 } from '../lib/core/bytes';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class IssuerKey {
  readonly name: string;
  readonly seed: Uint8Array;
  readonly pub: Uint8Array;
  readonly pubB64: string;
  readonly #key: KeyObject;

  constructor(name: string, seed: Uint8Array) {
    if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
    this.name = name;
    this.seed = seed;
    this.#key = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(this.#key).export({ format: 'der', type: 'spki' });
    this.pub = new Uint8Array(spki.subarray(spki.length - 32));
    this.pubB64 = toBase64(this.pub);
  }

  /** Ed25519 signature (64 bytes) of `msg`. */
  sign(msg: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, msg, this.#key));
  }
}

/** The key named `name` for the ledger generated from `seed`. */
export function deriveKey(seed: string | number, name: string): IssuerKey {
  const s = createHash('sha256').update(`atlas-issuer/1 key\n${seed}\n${name}`).digest();
  return new IssuerKey(name, new Uint8Array(s));
}
