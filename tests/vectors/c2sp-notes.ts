// Helpers shared by the C2SP note/checkpoint vector tests.
import { ed25519 } from '@noble/curves/ed25519.js';
import { fromBase64 } from '../../src/lib/core/bytes';
import { formatVkey } from '../../src/lib/core/note';

/** Go note private key `PRIVATE+KEY+name+hex8(id)+base64(0x01 || seed)` → seed, public key, vkey. */
export function parseGoSkey(skey: string): { name: string; seed: Uint8Array; pub: Uint8Array; vkey: string } {
  const parts = skey.split('+');
  if (parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') throw new Error(`not a Go skey: ${skey}`);
  const name = parts[2]!;
  const raw = fromBase64(parts.slice(4).join('+'));
  if (!raw || raw.length !== 33 || raw[0] !== 1) throw new Error(`bad skey key material: ${skey}`);
  const seed = raw.subarray(1);
  const pub = ed25519.getPublicKey(seed);
  return { name, seed, pub, vkey: formatVkey(name, 1, pub) };
}
