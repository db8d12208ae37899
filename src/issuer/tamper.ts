// The tamper library (issue 6, Drill B "Bad Actor"): reference-issuer side, never imported by the
// verify path (eslint forbids src/lib and src/routes to import src/issuer). Given a valid bundle
// and a seed, it applies exactly one corruption of a chosen kind at a random place and returns the
// finding a correct verifier must report first: {seq, code, file?}. Nothing before that seq may be
// reported wrong.

import { BundleFiles } from './tamper/bundle-files';
import * as k from './tamper/kinds';
import { SeededRandom } from './tamper/random';
import { KeyRing } from './tamper/signing';
import { deriveKey } from './keys';
import type { Envelope } from '../lib/core/types';

export { BundleFiles } from './tamper/bundle-files';
export { SeededRandom } from './tamper/random';
export { KeyRing } from './tamper/signing';
export type { Expected, Corruption } from './tamper/kinds';

const KINDS = {
  'sig-bitflip': k.sigBitflip,
  'amount-stale-sig': k.amountStaleSig,
  'amount-resigned': k.amountResigned,
  'payload-field': k.payloadField,
  swap: k.swap,
  remove: k.remove,
  duplicate: k.duplicate,
  'resign-other-key': k.resignOtherKey,
  'resign-other-role': k.resignOtherRole,
  'wrong-seq': k.wrongSeq,
  'wrong-epoch': k.wrongEpoch,
  'wrong-policy': k.wrongPolicy,
  'stale-policy': k.stalePolicy,
  'checkpoint-forged-sig': k.checkpointForgedSig,
  'checkpoint-root': k.checkpointRoot,
  'segment-truncated': k.segmentTruncated,
  'segment-hash': k.segmentHash,
  'content-byte': k.contentByte
} as const satisfies Record<string, (ctx: k.TamperContext) => k.Corruption>;

export type TamperKind = keyof typeof KINDS;
export const TAMPER_KINDS = Object.keys(KINDS) as TamperKind[];

export function isTamperKind(s: string): s is TamperKind {
  return Object.hasOwn(KINDS, s);
}

export interface TamperResult extends k.Corruption {
  kind: TamperKind;
  seed: number;
  bundle: BundleFiles;
}

/**
 * A valid bundle prepared for repeated tampering: its envelopes are parsed once, and each
 * `tamper()` call works on a fresh copy, so one source serves every kind and tick.
 */
export class TamperSource {
  readonly #events: Envelope[];

  constructor(
    readonly bundle: BundleFiles,
    readonly keys: KeyRing
  ) {
    this.#events = [...bundle.envelopes()];
  }

  static async load(dir: string, keys: KeyRing): Promise<TamperSource> {
    return new TamperSource(await BundleFiles.load(dir), keys);
  }

  /**
   * A bundle written by `atlas generate --seed SEED`: the issuer derives every key from the seed
   * and a name (src/issuer/keys.ts), so the drill can hold the same keys a bad actor inside the
   * system would: the operator (named by the origin), governance, AEGIS, the witnesses and every
   * attested subject.
   */
  static async loadGenerated(dir: string, seed: string | number): Promise<TamperSource> {
    const bundle = await BundleFiles.load(dir);
    const origin = bundle.manifest()['origin'];
    if (typeof origin !== 'string') throw new TypeError(`${dir}/manifest.json has no origin`);
    const names = [origin, 'governance.qfs.example', 'aegis.qfs.example', ...[1, 2, 3].map((i) => `witness-${i}.qfs.example`)];
    for (const e of bundle.envelopes()) {
      const subject = e.type === 'aegis.attest' ? (e.payload as { subject?: unknown }).subject : undefined;
      if (typeof subject === 'string') names.push(`subject/${subject}`);
    }
    const keys = new KeyRing([...new Set(names)].map((n) => deriveKey(seed, n).seed));
    return new TamperSource(bundle, keys);
  }

  get eventCount(): number {
    return this.#events.length;
  }

  /** Apply one corruption of `kind`, placed by `seed`, to a copy of the bundle. */
  tamper(kind: TamperKind, seed: number): TamperResult {
    const fn = KINDS[kind];
    if (!fn) throw new RangeError(`unknown tamper kind ${kind}; one of ${TAMPER_KINDS.join(', ')}`);
    const bundle = this.bundle.clone();
    const c = fn({ bundle, rng: new SeededRandom(`${kind}/${seed}`), keys: this.keys, events: this.#events });
    return { ...c, kind, seed, bundle };
  }
}
