// A small in-memory ledger driver for the economy tests: it feeds envelopes to an AegisRegistry
// (the ledger layer's IdentityView) and a Replayer exactly as the streaming verifier does, and can
// play the honest operator with expectedEpochEnd(). Signatures are not part of the economy replay,
// so envelopes carry placeholder key/sig fields; everything the Replayer reads is real.

import { AegisRegistry } from '../../../src/lib/core/aegis-registry';
import type { Json } from '../../../src/lib/core/canonical-json';
import { sha256 } from '../../../src/lib/core/hash';
import { toBase64, toHex, utf8 } from '../../../src/lib/core/bytes';
import type { Envelope, EventType, Finding } from '../../../src/lib/core/types';
import { Replayer, type ExpectedEvent } from '../../../src/lib/core/economy';

const KEY = toBase64(new Uint8Array(32).fill(7));
const SIG = toBase64(new Uint8Array(64));

export interface Logged {
  env: Envelope;
  findings: Finding[];
}

export class Ledger {
  readonly identity = new AegisRegistry(() => true);
  readonly content = new Map<string, Uint8Array>();
  readonly replayer: Replayer;
  readonly log: Logged[] = [];
  epoch = 0;

  constructor() {
    this.replayer = new Replayer(this.identity, { contentBytes: (cid) => this.content.get(cid) ?? null });
  }

  get seq(): number {
    return this.log.length;
  }

  /** Append one event and apply it as the verifier would; returns its findings. */
  emit(type: EventType, signer: string, payload: Json, policy?: string): Finding[] {
    const env: Envelope = { v: 1, seq: this.seq, epoch: this.epoch, type, signer, key: KEY, prev: '0'.repeat(64), payload, sig: SIG };
    if (policy !== undefined) env.policy = policy;
    if (type === 'aegis.attest') this.identity.attest(env.seq, env.epoch, payload);
    if (type === 'aegis.revoke') this.identity.revoke(env.seq, env.epoch, payload);
    const findings = this.replayer.apply(env, { seq: env.seq, eventId: new Uint8Array(32) });
    this.log.push({ env, findings });
    return findings;
  }

  user(id: string, validFrom = 0, validUntil = 1000): void {
    this.emit('aegis.attest', 'aegis', { key: KEY, kind: 'user', subject: id, validFrom, validUntil });
  }

  node(id: string, zone: string, validFrom = 0, validUntil = 1000): void {
    this.emit('aegis.attest', 'aegis', { key: KEY, kind: 'node', subject: id, validFrom, validUntil, zone });
  }

  revoke(id: string, from: number): void {
    this.emit('aegis.revoke', 'aegis', { from, reason: 'test', subject: id });
  }

  policy(version: string, fromEpoch: number, policy: Json): void {
    this.emit('policy.activate', 'governance', { fromEpoch, policy, version });
  }

  /** Publish content with the given bytes; returns its cid. */
  publish(author: string, text: string, title = text.slice(0, 20)): string {
    const bytes = utf8(text);
    const cid = toHex(sha256(bytes));
    this.content.set(cid, bytes);
    this.emit('content.publish', author, { author, cid, size: bytes.length, title });
    return cid;
  }

  engage(actor: string, cid: string, signal: 'view' | 'like' | 'share' | 'comment', times = 1): void {
    for (let i = 0; i < times; i++) this.emit('engagement', actor, { actor, cid, signal });
  }

  /** The honest operator's end of epoch, optionally tampered, then the next epoch starts. */
  close(tamper?: (events: ExpectedEvent[]) => ExpectedEvent[]): Logged[] {
    let events = this.replayer.expectedEpochEnd(this.epoch);
    if (tamper) events = tamper(events.map((e) => structuredClone(e)));
    const from = this.log.length;
    for (const ev of events) this.emit(ev.type, ev.signer, ev.payload, ev.policy);
    this.epoch++;
    return this.log.slice(from);
  }

  findings(): Finding[] {
    return this.log.flatMap((l) => l.findings);
  }
}

/** An amount string from a decimal literal: A('2.5') = "2.500000000000000000". */
export const A = (s: string): string => {
  const [i, f = ''] = s.split('.');
  return `${i}.${f.padEnd(18, '0')}`;
};
