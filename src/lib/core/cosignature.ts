// C2SP tlog-cosignature v1 (https://c2sp.org/tlog-cosignature; tlog-formats.md §1.3), Ed25519
// variant, signature type 0x04. A cosignature is a note signature line over a checkpoint whose
// payload is keyID(4) || timestamp u64 big-endian (8) || Ed25519 signature (64), and whose signed
// message is "cosignature/v1\ntime <timestamp>\n" followed by the full checkpoint text.
// The message does not commit to the cosigner's name, so one key must never serve two names.

import { concatBytes, u64be, utf8 } from './bytes';
import { verify as verifyEd25519, type Ed25519Backend } from './ed25519';
import { keyId, signNoteLine, SIG_COSIGNATURE_V1, type NoteVerifier, type Vkey } from './note';

/** Timestamps are POSIX seconds and at most 2^63 − 1. */
export const MAX_TIMESTAMP = (1n << 63n) - 1n;

export function cosignatureKeyId(name: string, pub: Uint8Array): number {
  return keyId(name, SIG_COSIGNATURE_V1, pub);
}

/** The signed message for a checkpoint text (final newline included, no signature lines). */
export function cosignatureMessage(checkpointText: string, timestamp: bigint): Uint8Array {
  if (timestamp < 0n || timestamp > MAX_TIMESTAMP) throw new RangeError(`cosignature timestamp ${timestamp} out of range`);
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

/** Split a cosignature line payload (the bytes after the key ID): null unless exactly 72 bytes. */
export function parseCosignature(sig: Uint8Array): { timestamp: bigint; signature: Uint8Array } | null {
  if (sig.length !== 72) return null;
  let ts = 0n;
  for (let i = 0; i < 8; i++) ts = (ts << 8n) | BigInt(sig[i]!);
  return { timestamp: ts, signature: sig.subarray(8) };
}

/** The note signature line of a cosignature (formatting only; the caller signs cosignatureMessage). */
export function formatCosignatureLine(name: string, pub: Uint8Array, timestamp: bigint, signature: Uint8Array): string {
  if (signature.length !== 64) throw new TypeError('Ed25519 signature must be 64 bytes');
  return signNoteLine(name, cosignatureKeyId(name, pub), concatBytes(u64be(timestamp), signature));
}

/**
 * A note verifier for a cosignature/v1 key (vkey type 0x04). `msg` is the checkpoint text as the
 * note parser gives it. Timestamps above 2^63 − 1 are rejected; a timestamp policy (maximum age,
 * future skew) is the caller's, since core has no clock.
 */
export function cosignatureVerifier(vkey: Vkey, backend: Ed25519Backend): NoteVerifier {
  if (vkey.type !== SIG_COSIGNATURE_V1) throw new TypeError('cosignatureVerifier needs a type 0x04 key');
  return {
    name: vkey.name,
    keyId: vkey.keyId,
    verify(msg: Uint8Array, sig: Uint8Array): boolean | Promise<boolean> {
      const c = parseCosignature(sig);
      if (!c || c.timestamp > MAX_TIMESTAMP) return false;
      const prefix = utf8(`cosignature/v1\ntime ${c.timestamp}\n`);
      return verifyEd25519(backend, vkey.key, concatBytes(prefix, msg), c.signature);
    }
  };
}
