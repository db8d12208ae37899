// The one-call entry point of the ledger layer: verify a bundle with the economy replay plugged in
// (docs/BUNDLE_FORMAT.md §5–§10). The CLI, the web worker and the tests call this; the lower-level
// bundle-verifier.ts stays independent of the economy so the authenticity layer can be tested alone.

import type { BundleSource } from './bundle-source';
import { authenticityOnly, verifyBundleSource, type VerifyOptions, type VerifyResult } from './bundle-verifier';
import { Replayer } from './economy/replayer';
import type { Ed25519Backend } from './ed25519';
import { sequentialVerifier, type ReplayerFactory, type SignatureVerifier } from './report';

export interface VerifyBundleOptions extends Omit<VerifyOptions, 'signatures' | 'replayer'> {
  /** Either a backend (checked one by one) or a SignatureVerifier (e.g. a worker pool, maybe still starting). */
  backend?: Ed25519Backend;
  signatures?: SignatureVerifier | PromiseLike<SignatureVerifier>;
  /** 'replay' (default): the full economy replay. 'authenticity-only': signatures, chain, log and checkpoints only. */
  economy?: 'replay' | 'authenticity-only';
}

export const economyReplay: ReplayerFactory = (identity) => new Replayer(identity);

export async function verifyBundle(source: BundleSource, o: VerifyBundleOptions): Promise<VerifyResult> {
  const signatures = o.signatures ?? (o.backend ? sequentialVerifier(o.backend) : null);
  if (!signatures) throw new TypeError('verifyBundle: pass a backend or a SignatureVerifier');
  const { backend: _b, signatures: _s, economy, ...rest } = o;
  return verifyBundleSource(source, { ...rest, signatures, replayer: economy === 'authenticity-only' ? authenticityOnly : economyReplay });
}

export { authenticityOnly, VerificationAborted } from './bundle-verifier';
export type { VerifyResult, VerifyOptions } from './bundle-verifier';
export type { VerifyReport } from './report';
