// The AEGIS identity registry (docs/BUNDLE_FORMAT.md §9): users and storage nodes, fed in log order
// by aegis.attest / aegis.revoke. It answers the IdentityView the economy replay uses for its guards
// and resolves the key a subject signs with at a given epoch.
//
// Rules: the latest attestation of a subject is in force from its seq on (renewal or key rotation);
// a subject keeps its kind forever; a revocation applies from its `from` epoch on and is final;
// every attested key passes the subject key check once (§9.3: canonical, not small order, on the curve).

import { fromBase64, resized } from './bytes';
import { checkSubjectKey } from './ed25519';
import type { Json } from './canonical-json';
import type { Finding, IdentityStatus, IdentityView } from './types';

export interface ResolvedKey {
  status: IdentityStatus;
  /** base64 of the key in force (the latest attestation), or null when never attested. */
  key: string | null;
  kind: 'user' | 'node' | null;
}

interface Revocation {
  seq: number;
  from: number;
  reason: string;
}

type Obj = { [k: string]: Json };

/**
 * Keys that passed the default check, shared by every registry using it: the check is a pure
 * function of the key bytes and costs a point decompression, so a re-verification of the same
 * bundle does not pay it again. Bounded; oldest entries go first. Custom checks are not memoised.
 */
const ACCEPTED = new Set<string>();
const ACCEPTED_MAX = 1 << 17;
const subjectKeyOk = (pub: Uint8Array): boolean => checkSubjectKey(pub) === null;

const KINDS = ['user', 'node'] as const;

/**
 * Subjects and their attestations as columns (issue 7 memory: ~110 instead of ~220 bytes per
 * subject; a 1M-event ledger attests ~157k). Subject i: its kind and its attestation in force;
 * attestation a: seq, validity window, key, the previous attestation of the same subject (-1 for
 * none), and a node's zone. Revocations are few and kept in a map.
 */
export class AegisRegistry implements IdentityView {
  readonly #index = new Map<string, number>();
  readonly #checkKey: (pub: Uint8Array) => boolean;
  #kind = new Uint8Array(256); // index into KINDS
  #latest = new Int32Array(256);
  /** Subject i's first attestation (its validFrom is the attestation-age guard's start, §10.5). */
  #first = new Int32Array(256);
  #attSeq = new Float64Array(256);
  #attFrom = new Float64Array(256);
  #attUntil = new Float64Array(256);
  #attPrev = new Int32Array(256);
  readonly #attKey: string[] = [];
  /** A node attestation's zone, by attestation. */
  readonly #zones = new Map<number, string>();
  readonly #revocations = new Map<number, Revocation>();
  /** Subject ids by kind in attestation order, and their sorted views (rebuilt after an addition). */
  readonly #ids = { node: [] as string[], user: [] as string[] };
  #nodes: string[] | null = [];
  #users: string[] | null = [];

  /** `checkKey` defaults to the subject key check of §9.3 (ed25519.ts checkSubjectKey). */
  constructor(checkKey: (pub: Uint8Array) => boolean = subjectKeyOk) {
    this.#checkKey = checkKey;
  }

  #keyOk(pub: Uint8Array, b64: string): boolean {
    if (this.#checkKey !== subjectKeyOk) return this.#checkKey(pub);
    if (ACCEPTED.has(b64)) return true;
    if (!subjectKeyOk(pub)) return false;
    if (ACCEPTED.size >= ACCEPTED_MAX) ACCEPTED.delete(ACCEPTED.values().next().value!);
    ACCEPTED.add(b64);
    return true;
  }

  /**
   * Apply an aegis.attest payload (already schema-checked) at `seq`. Returns a finding when refused.
   * `keyChecked`: its key already passed the subject key check of §9.3 where the event's signature
   * was verified (a signature worker's ATTEST_KEY_OK), so it is not checked again here.
   */
  attest(seq: number, epoch: number, payload: Json, keyChecked = false): Finding | null {
    const p = payload as Obj;
    const subject = p['subject'] as string;
    const kind = p['kind'] as 'user' | 'node';
    const keyB64 = p['key'] as string;
    const key = fromBase64(keyB64);
    const bad = (message: string): Finding => ({ code: 'aegis.invalid', seq, epoch, message: `aegis.attest of ${subject}: ${message}` });
    if (key === null || key.length !== 32 || (!keyChecked && !this.#keyOk(key, keyB64))) return bad('the key is not an acceptable Ed25519 public key (non-canonical, small order or not on the curve)');
    const existing = this.#index.get(subject);
    if (existing !== undefined && KINDS[this.#kind[existing]!] !== kind) return bad(`it is already attested as a ${KINDS[this.#kind[existing]!]}`);
    const revoked = existing === undefined ? undefined : this.#revocations.get(existing);
    if (revoked) return bad(`it was revoked at seq ${revoked.seq}; revocation is final`);
    const a = this.#attKey.length;
    if (a === this.#attSeq.length) {
      this.#attSeq = resized(this.#attSeq, 2 * a);
      this.#attFrom = resized(this.#attFrom, 2 * a);
      this.#attUntil = resized(this.#attUntil, 2 * a);
      this.#attPrev = resized(this.#attPrev, 2 * a);
    }
    this.#attKey.push(keyB64);
    this.#attSeq[a] = seq;
    this.#attFrom[a] = p['validFrom'] as number;
    this.#attUntil[a] = p['validUntil'] as number;
    if (kind === 'node') this.#zones.set(a, p['zone'] as string);
    if (existing !== undefined) {
      this.#attPrev[a] = this.#latest[existing]!;
      this.#latest[existing] = a;
    } else {
      const i = this.#index.size;
      if (i === this.#kind.length) {
        this.#kind = resized(this.#kind, 2 * i);
        this.#latest = resized(this.#latest, 2 * i);
        this.#first = resized(this.#first, 2 * i);
      }
      this.#index.set(subject, i);
      this.#kind[i] = kind === 'node' ? 1 : 0;
      this.#latest[i] = a;
      this.#first[i] = a;
      this.#attPrev[a] = -1;
      this.#ids[kind].push(subject);
      if (kind === 'node') this.#nodes = null;
      else this.#users = null;
    }
    return null;
  }

  /** Apply an aegis.revoke payload (already schema-checked) at `seq`. */
  revoke(seq: number, epoch: number, payload: Json): Finding | null {
    const p = payload as Obj;
    const subject = p['subject'] as string;
    const i = this.#index.get(subject);
    const bad = (message: string): Finding => ({ code: 'aegis.invalid', seq, epoch, message: `aegis.revoke of ${subject}: ${message}` });
    if (i === undefined) return bad('the subject was never attested');
    const r = this.#revocations.get(i);
    if (r) return bad(`it was already revoked at seq ${r.seq}`);
    this.#revocations.set(i, { seq, from: p['from'] as number, reason: p['reason'] as string });
    return null;
  }

  /** The key a subject signs with now, and its status at `epoch`. */
  resolve(subject: string, epoch: number): ResolvedKey {
    const i = this.#index.get(subject);
    if (i === undefined) return { status: 'unknown', key: null, kind: null };
    return { status: this.#statusAt(i, epoch), key: this.#attKey[this.#latest[i]!]!, kind: KINDS[this.#kind[i]!]! };
  }

  status(subject: string, epoch: number): IdentityStatus {
    const i = this.#index.get(subject);
    return i === undefined ? 'unknown' : this.#statusAt(i, epoch);
  }

  /** A known subject's status at `epoch` (one map lookup per signed event in resolve, not two). */
  #statusAt(i: number, epoch: number): IdentityStatus {
    const r = this.#revocations.get(i);
    if (r && epoch >= r.from) return 'revoked';
    const a = this.#latest[i]!;
    if (epoch < this.#attFrom[a]!) return 'pending';
    if (epoch > this.#attUntil[a]!) return 'expired';
    return 'verified';
  }

  attestationSeq(subject: string, epoch: number): number | null {
    const i = this.#index.get(subject);
    if (i === undefined) return null;
    for (let a = this.#latest[i]!; a >= 0; a = this.#attPrev[a]!) {
      if (epoch >= this.#attFrom[a]! && epoch <= this.#attUntil[a]!) return this.#attSeq[a]!;
    }
    return null;
  }

  revocationSeq(subject: string, epoch: number): number | null {
    const i = this.#index.get(subject);
    const r = i === undefined ? undefined : this.#revocations.get(i);
    return r && epoch >= r.from ? r.seq : null;
  }

  kind(subject: string): 'user' | 'node' | null {
    const i = this.#index.get(subject);
    return i === undefined ? null : KINDS[this.#kind[i]!]!;
  }

  subjectIndex(subject: string): number {
    return this.#index.get(subject) ?? -1;
  }

  firstValidFrom(subject: string): number | undefined {
    const i = this.#index.get(subject);
    return i === undefined ? undefined : this.#attFrom[this.#first[i]!]!;
  }

  zone(subject: string): string | null {
    const i = this.#index.get(subject);
    if (i === undefined) return null;
    return this.#kind[i] === 1 ? (this.#zones.get(this.#latest[i]!) as string) : null;
  }

  nodes(): readonly string[] {
    return (this.#nodes ??= this.#list('node'));
  }

  users(): readonly string[] {
    return (this.#users ??= this.#list('user'));
  }

  get size(): number {
    return this.#index.size;
  }

  /** The ids of one kind, sorted: from that kind's own list, not a walk over every subject (a replay asks for the nodes after each new node, with thousands of users attested). */
  #list(kind: 'user' | 'node'): string[] {
    // Subject ids are ASCII (§9), so UTF-16 order is code point order.
    return [...this.#ids[kind]].sort();
  }
}
