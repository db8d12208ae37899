// Re-signing for the tamper library: events (docs/BUNDLE_FORMAT.md §4) and checkpoint notes
// (C2SP signed-note v1 and tlog-cosignature v1, tlog-formats.md §1.1 and §1.3). A bad actor with a
// valid key produces signatures that verify; these helpers let a drill build exactly that.

import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';
import { bytesEqual, concatBytes, toBase64, utf8 } from '../../lib/core/bytes';
import { sha256 } from '../../lib/core/hash';
import { signedMessage } from '../../lib/core/envelope';
import type { Envelope } from '../../lib/core/types';

ed.hashes.sha512 = sha512;

/** Ed25519 secrets (32-byte seeds) the drill may sign with, looked up by public key. */
export class KeyRing {
  readonly #byPub = new Map<string, Uint8Array>();
  readonly #pubs = new Map<Uint8Array, Uint8Array>();

  constructor(seeds: Iterable<Uint8Array>) {
    for (const s of seeds) {
      if (s.length !== 32) throw new RangeError(`an Ed25519 seed is 32 bytes, got ${s.length}`);
      const pub = ed.getPublicKey(s);
      this.#byPub.set(toBase64(pub), s);
      this.#pubs.set(s, pub);
    }
  }

  /** Base64 public keys of every secret held. */
  publicKeys(): string[] {
    return [...this.#byPub.keys()];
  }

  has(pubB64: string): boolean {
    return this.#byPub.has(pubB64);
  }

  secretFor(pubB64: string): Uint8Array {
    const s = this.#byPub.get(pubB64);
    if (!s) throw new RangeError(`the key ring holds no secret for public key ${pubB64}`);
    return s;
  }

  /**
   * The secret whose signed-note key ID for `name` and signature type (0x01 note, 0x04
   * cosignature/v1) is `keyId`: keyID = SHA-256(name || 0x0A || type || pub)[:4] (§1.1, §1.3).
   */
  secretForNoteKey(name: string, type: 0x01 | 0x04, keyId: Uint8Array): Uint8Array | null {
    for (const [s, pub] of this.#pubs) {
      const id = sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), pub)).subarray(0, 4);
      if (bytesEqual(id, keyId)) return s;
    }
    return null;
  }
}

/** Sign an envelope (the `sig` field is replaced) with the ring's secret for `env.key`. */
export function resignEnvelope(env: Envelope, ring: KeyRing): Envelope {
  const secret = ring.secretFor(env.key);
  const unsignedEnv = { ...env, sig: '' };
  return { ...env, sig: toBase64(ed.sign(signedMessage(unsignedEnv), secret)) };
}

/** Sign an envelope with an explicit secret, presenting `presentKey` (base64) in its `key` field. */
export function signEnvelopeWith(env: Envelope, secret: Uint8Array, presentKey: string): Envelope {
  const e = { ...env, key: presentKey, sig: '' };
  return { ...e, sig: toBase64(ed.sign(signedMessage(e), secret)) };
}

export function publicKeyB64(secret: Uint8Array): string {
  return toBase64(ed.getPublicKey(secret));
}

export function signBytes(msg: Uint8Array, secret: Uint8Array): Uint8Array {
  return ed.sign(msg, secret);
}
