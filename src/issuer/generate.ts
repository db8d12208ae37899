// The reference issuer (`atlas generate`): writes a complete, realistic qfs-ledger-bundle/1 from a
// seed. Everything random comes from the seeded Prng and every key from the seed, so the same
// arguments give byte-identical bundles. Input events (identities, policies, content, engagement)
// are simulated here; the derived events at each epoch end (rankings, rewards, placements, storage
// proofs, epoch close) come from the economy replay (`expectedEpochEnd`), so they follow the policy.
// Node only; nothing in the verify path imports this.

import { toBase64, toHex } from '../lib/core/bytes';
import { canonicalBytes, type Json } from '../lib/core/canonical-json';
import { AegisRegistry } from '../lib/core/aegis-registry';
import { signedMessage } from '../lib/core/envelope';
import { sha256 } from '../lib/core/hash';
import type { Manifest, TrustDoc } from '../lib/core/manifest';
import { CompactRange, leafHash } from '../lib/core/merkle';
import type { Envelope, EventType, Finding, IdentityView } from '../lib/core/types';
import { BundleWriter } from './bundle-writer';
import { deriveKey, type IssuerKey } from './keys';
import { checkpointText, cosignatureLine, noteBytes, signatureLine, SIG_COSIGNATURE_V1, SIG_ED25519, vkeyOf } from './notes';
import { World } from './world';

/** One derived event as the economy computes it; the issuer signs and appends it. */
export interface DerivedEvent {
  type: EventType;
  signer: string;
  policy?: string;
  payload: Json;
}

/** The economy replay as the issuer drives it (economy/replayer.ts implements it). */
export interface IssuerEconomy {
  apply(env: Envelope, ctx: { seq: number; eventId: Uint8Array }): Finding[];
  /** The derived events an honest operator emits at the end of `epoch`, ending with epoch.close. A query: it does not change state. */
  expectedEpochEnd(epoch: number): DerivedEvent[];
}

/** The economy the issuer uses by default: the replay itself, given every content item's bytes. */
export async function economyReplay(): Promise<NonNullable<GenerateOptions['economy']>> {
  const { Replayer } = await import('../lib/core/economy/replayer');
  return (identity, contentBytes) => new Replayer(identity, { contentBytes });
}

export interface GenerateOptions {
  out: string;
  events: number;
  seed: string | number;
  /** Default: economyReplay. */
  economy?: (identity: IdentityView, contentBytes: (cid: string) => Uint8Array | null) => IssuerEconomy;
  /**
   * Pack size (§6.1): content items and checkpoint notes are written into packs of at most this
   * many bytes (default PACK_TARGET); 0 writes each item as its own file `content/<cid>` and each
   * note as `checkpoints/<size>.note` (the layout before packs, also valid; tests use it).
   */
  packBytes?: number;
  /** Called every ~10,000 events. */
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateResult {
  manifest: Manifest;
  trust: TrustDoc;
  stats: { users: number; nodes: number; content: number; contentFiles: number; epochs: number; policies: number; revocations: number };
}

/** Cosignature time of epoch e: a fixed origin time plus one hour per epoch (never the clock). */
export const COSIGN_T0 = 1_767_225_600; // 2026-01-01T00:00:00Z
export const MIN_EVENTS = 200;

export function originFor(seed: string | number): string {
  return `ledger.qfs.example/seed-${String(seed).replace(/[^a-z0-9._-]/gi, '_')}`;
}

/** The final epoch could not be sized to the requested total (see generateBundle). */
class SizingError extends Error {}

export async function generateBundle(o: GenerateOptions): Promise<GenerateResult> {
  if (!Number.isSafeInteger(o.events) || o.events < MIN_EVENTS) throw new RangeError(`--events must be an integer ≥ ${MIN_EVENTS}`);
  const origin = originFor(o.seed);
  const roles = {
    operator: deriveKey(o.seed, origin),
    governance: deriveKey(o.seed, 'governance.qfs.example'),
    aegis: deriveKey(o.seed, 'aegis.qfs.example')
  };
  const witnesses = [1, 2, 3].map((i) => deriveKey(o.seed, `witness-${i}.qfs.example`));
  const trust: TrustDoc = {
    policy: [
      `log ${vkeyOf(roles.operator, SIG_ED25519)}`,
      ...witnesses.map((w, i) => `witness w${i + 1} ${vkeyOf(w, SIG_COSIGNATURE_V1)}`),
      'group witnesses 2 w1 w2 w3',
      'quorum witnesses',
      ''
    ].join('\n'),
    governance: vkeyOf(roles.governance, SIG_ED25519),
    aegis: vkeyOf(roles.aegis, SIG_ED25519)
  };

  // The last epoch is filled with inputs until `margin` events are left, then padded one by one.
  // Inputs can derive several events at the epoch end, so a burst can overshoot the total; the
  // whole ledger is then generated again from the start with a wider margin. Deterministic: the
  // same arguments always take the same attempts, and a ledger that fits at the first margin (24)
  // is byte-identical to what the issuer wrote before the retry existed.
  for (const margin of [24, 96, 384]) {
    try {
      return await attempt(margin);
    } catch (e) {
      if (!(e instanceof SizingError) || margin === 384) throw e;
    }
  }
  throw new Error('unreachable');

  async function attempt(margin: number): Promise<GenerateResult> {
    const writer = new BundleWriter(o.out, o.packBytes);
    // The issuer derives every key from a seed (RFC 8032 keygen), so each is a prime-order point: the
    // §7 key check (about a millisecond each) would only cost time here. The verifier runs it.
    const registry = new AegisRegistry(() => true);
    const world = new World(o.seed, (label) => deriveKey(o.seed, `subject/${label}`));
    const economy = (o.economy ?? (await economyReplay()))(registry, (cid) => world.bytesOf(cid));
    const log = new CompactRange();
    let seq = 0;
    let epoch = 0;
    let prev: Uint8Array = new Uint8Array(32);

    const keyFor = (signer: string): IssuerKey => {
      if (signer === 'operator' || signer === 'governance' || signer === 'aegis') return roles[signer];
      const k = world.keyOf(signer);
      if (!k) throw new Error(`issuer: no key for signer ${signer}`);
      return k;
    };

    /** Sign, append and apply one event. */
    const emit = (type: EventType, signer: string, payload: Json, policy?: string): void => {
      const key = keyFor(signer);
      const env = { v: 1, seq, epoch, type, signer, key: key.pubB64, prev: toHex(prev), payload, sig: '' } as Envelope;
      if (policy !== undefined) env.policy = policy;
      const msg = signedMessage(env);
      env.sig = toBase64(key.sign(msg));
      const id = sha256(msg);
      const line = canonicalBytes(env as unknown as Json);
      writer.line(seq, line);
      log.append(leafHash(line));
      if (type === 'aegis.attest') {
        const f = registry.attest(seq, epoch, payload);
        if (f) throw new Error(`issuer bug: ${f.message}`);
      } else if (type === 'aegis.revoke') {
        const f = registry.revoke(seq, epoch, payload);
        if (f) throw new Error(`issuer bug: ${f.message}`);
      }
      const findings = economy.apply(env, { seq, eventId: id });
      if (findings.length) throw new Error(`issuer bug: the economy rejects its own seq ${seq}: ${findings[0]!.code} ${findings[0]!.message}`);
      prev = id;
      seq++;
      if (seq % 10_000 === 0) o.onProgress?.(seq, o.events);
    };


    const closeEpoch = (events: DerivedEvent[]): void => {
      for (const d of events) emit(d.type, d.signer, d.payload, d.policy);
      const size = seq;
      const text = checkpointText(origin, size, log.root());
      const time = COSIGN_T0 + epoch * 3600;
      // Two of the three witnesses cosign each checkpoint, in rotation (quorum is 2 of 3).
      const pair = [witnesses[epoch % 3]!, witnesses[(epoch + 1) % 3]!].sort((a, b) => (a.name < b.name ? -1 : 1));
      writer.checkpoint(size, noteBytes(text, [signatureLine(roles.operator, text), ...pair.map((w) => cosignatureLine(w, text, time))]));
      epoch++;
    };

    // Plan: about 800 events per epoch, at least 8 epochs; the last epoch is sized so that the total
    // comes out at exactly `events`, padding with identity renewals (which derive nothing).
    const epochs = Math.max(8, Math.round(o.events / 800));
    const perEpoch = o.events / epochs;
    const policies = world.policies(epochs);
    let lastDerived = 8;
    for (;;) {
      const remaining = o.events - seq;
      const final = remaining < 1.6 * perEpoch + lastDerived;
      world.startEpoch(epoch, emit, policies);
      if (!final) {
        const budget = Math.max(1, Math.round(perEpoch - lastDerived - world.inputsThisEpoch));
        for (let i = 0; i < budget; i++) world.step(epoch, emit);
        const end = economy.expectedEpochEnd(epoch);
        lastDerived = end.length;
        closeEpoch(end);
        continue;
      }
      // Final epoch: add inputs while there is room, then pad to the exact count.
      let end = economy.expectedEpochEnd(epoch);
      while (seq + end.length < o.events) {
        const gap = o.events - seq - end.length;
        if (gap > margin) {
          for (let i = 0; i < Math.min(gap - margin, 64); i++) world.step(epoch, emit);
        } else world.pad(epoch, emit);
        end = economy.expectedEpochEnd(epoch);
      }
      if (seq + end.length !== o.events) throw new SizingError(`issuer: could not size the last epoch to ${o.events} events (got ${seq + end.length}); try a different --events`);
      closeEpoch(end);
      break;
    }
    for (const c of world.contentFiles()) writer.contentFile(c.cid, c.bytes);
    const manifest = writer.finish(origin, trust, seq, epoch);
    if (seq % 10_000 !== 0) o.onProgress?.(seq, o.events);
    return { manifest, trust, stats: { ...world.stats(), epochs: epoch, policies: policies.length } };
  }
}

