// The AEGIS identity registry (docs/BUNDLE_FORMAT.md §9): users and storage nodes, fed in log order
// by aegis.attest / aegis.revoke. It answers the IdentityView the economy replay uses for its guards
// and resolves the key a subject signs with at a given epoch.
//
// Rules: the latest attestation of a subject is in force from its seq on (renewal or key rotation);
// a subject keeps its kind forever; a revocation applies from its `from` epoch on and is final;
// every attested key passes the subject key check once (§9.3: canonical, not small order, on the curve).

import { fromBase64 } from './bytes';
import { checkSubjectKey } from './ed25519';
import type { Json } from './canonical-json';
import type { Finding, IdentityStatus, IdentityView } from './types';

interface Attestation {
  seq: number;
  /** The key as attested (base64); the decoded bytes are checked once and not kept (issue 7 memory). */
  keyB64: string;
  kind: 'user' | 'node';
  zone: string | null;
  validFrom: number;
  validUntil: number;
}

interface Subject {
  kind: 'user' | 'node';
  history: Attestation[]; // in seq order; the last one is in force
  revocation: { seq: number; from: number; reason: string } | null;
}

export interface ResolvedKey {
  status: IdentityStatus;
  /** base64 of the key in force (the latest attestation), or null when never attested. */
  key: string | null;
  kind: 'user' | 'node' | null;
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

/** A known subject's status at `epoch` (one map lookup per signed event in resolve, not two). */
function statusAt(s: Subject, epoch: number): IdentityStatus {
  if (s.revocation && epoch >= s.revocation.from) return 'revoked';
  const a = s.history[s.history.length - 1]!;
  if (epoch < a.validFrom) return 'pending';
  if (epoch > a.validUntil) return 'expired';
  return 'verified';
}

export class AegisRegistry implements IdentityView {
  readonly #subjects = new Map<string, Subject>();
  readonly #checkKey: (pub: Uint8Array) => boolean;
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

  /** Apply an aegis.attest payload (already schema-checked) at `seq`. Returns a finding when refused. */
  attest(seq: number, epoch: number, payload: Json): Finding | null {
    const p = payload as Obj;
    const subject = p['subject'] as string;
    const kind = p['kind'] as 'user' | 'node';
    const keyB64 = p['key'] as string;
    const key = fromBase64(keyB64);
    const bad = (message: string): Finding => ({ code: 'aegis.invalid', seq, epoch, message: `aegis.attest of ${subject}: ${message}` });
    if (key === null || key.length !== 32 || !this.#keyOk(key, keyB64)) return bad('the key is not an acceptable Ed25519 public key (non-canonical, small order or not on the curve)');
    const existing = this.#subjects.get(subject);
    if (existing && existing.kind !== kind) return bad(`it is already attested as a ${existing.kind}`);
    if (existing?.revocation) return bad(`it was revoked at seq ${existing.revocation.seq}; revocation is final`);
    const att: Attestation = {
      seq,
      keyB64,
      kind,
      zone: kind === 'node' ? (p['zone'] as string) : null,
      validFrom: p['validFrom'] as number,
      validUntil: p['validUntil'] as number
    };
    if (existing) existing.history.push(att);
    else {
      this.#subjects.set(subject, { kind, history: [att], revocation: null });
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
    const s = this.#subjects.get(subject);
    const bad = (message: string): Finding => ({ code: 'aegis.invalid', seq, epoch, message: `aegis.revoke of ${subject}: ${message}` });
    if (!s) return bad('the subject was never attested');
    if (s.revocation) return bad(`it was already revoked at seq ${s.revocation.seq}`);
    s.revocation = { seq, from: p['from'] as number, reason: p['reason'] as string };
    return null;
  }

  /** The key a subject signs with now, and its status at `epoch`. */
  resolve(subject: string, epoch: number): ResolvedKey {
    const s = this.#subjects.get(subject);
    if (!s) return { status: 'unknown', key: null, kind: null };
    return { status: statusAt(s, epoch), key: s.history[s.history.length - 1]!.keyB64, kind: s.kind };
  }

  status(subject: string, epoch: number): IdentityStatus {
    const s = this.#subjects.get(subject);
    return s ? statusAt(s, epoch) : 'unknown';
  }

  attestationSeq(subject: string, epoch: number): number | null {
    const s = this.#subjects.get(subject);
    if (!s) return null;
    for (let i = s.history.length - 1; i >= 0; i--) {
      const a = s.history[i]!;
      if (epoch >= a.validFrom && epoch <= a.validUntil) return a.seq;
    }
    return null;
  }

  revocationSeq(subject: string, epoch: number): number | null {
    const r = this.#subjects.get(subject)?.revocation;
    return r && epoch >= r.from ? r.seq : null;
  }

  kind(subject: string): 'user' | 'node' | null {
    return this.#subjects.get(subject)?.kind ?? null;
  }

  zone(subject: string): string | null {
    const s = this.#subjects.get(subject);
    return s ? s.history[s.history.length - 1]!.zone : null;
  }

  nodes(): readonly string[] {
    return (this.#nodes ??= this.#list('node'));
  }

  users(): readonly string[] {
    return (this.#users ??= this.#list('user'));
  }

  get size(): number {
    return this.#subjects.size;
  }

  /** The ids of one kind, sorted: from that kind's own list, not a walk over every subject (a replay asks for the nodes after each new node, with thousands of users attested). */
  #list(kind: 'user' | 'node'): string[] {
    // Subject ids are ASCII (§9), so UTF-16 order is code point order.
    return [...this.#ids[kind]].sort();
  }
}
