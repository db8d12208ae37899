// The simulated QFS world behind the reference issuer: users who join, publish and engage with a
// heavy-tailed (Zipf) activity, storage nodes in several zones that join, renew, lapse and are
// revoked, governance activating policy changes ahead of their epoch. It decides *which* input
// events happen; generate.ts signs them and the economy derives the rest.

import { toHex } from '../lib/core/bytes';
import type { Json } from '../lib/core/canonical-json';
import { defaultPolicies } from '../lib/core/economy/policy';
import { sha256 } from '../lib/core/hash';
import type { EventType } from '../lib/core/types';
import type { IssuerKey } from './keys';
import { Prng, Zipf } from './prng';

type Emit = (type: EventType, signer: string, payload: Json, policy?: string) => void;

interface User {
  id: string;
  revoked: boolean;
}
interface Node {
  id: string;
  zone: string;
  validUntil: number;
  revoked: boolean;
}
interface Content {
  cid: string;
  author: string;
  /** Written under content/ in the bundle. */
  shipped: boolean;
}

const ZONES = ['eu-west', 'eu-north', 'us-east', 'us-west', 'ap-south', 'ap-east'];
const SIGNALS = ['view', 'view', 'view', 'view', 'like', 'like', 'comment', 'share'] as const;
const WORDS = ['ledger', 'rewards', 'fragments', 'epoch', 'witness', 'policy', 'storage', 'ranking', 'proof', 'signal', 'node', 'zone', 'merkle', 'audit', 'replay', 'drift'];
/** Users never expire on their own in the demo world: a long validity window. */
const USER_VALIDITY = 100_000;
const INITIAL_NODES = 32;
/** At most this many content items get their bytes written under content/. */
const MAX_CONTENT_FILES = 2000;

export class World {
  readonly rng: Prng;
  readonly users: User[] = [];
  readonly nodes: Node[] = [];
  readonly content: Content[] = [];
  readonly #userZipf = new Zipf(1.1);
  readonly #contentZipf = new Zipf(0.9);
  readonly #newKey: (id: string) => IssuerKey;
  #revocations = 0;
  #contentFiles = 0;
  #epochStart = 0;
  #seq = 0;

  constructor(seed: string | number, newKey: (id: string) => IssuerKey) {
    this.rng = new Prng(seed, 'world');
    this.#newKey = newKey;
  }

  /** The policies to activate: the economy's defaults spread over the epochs (≥ 3 changes). */
  policies(epochs: number): Array<{ version: string; fromEpoch: number; policy: Json }> {
    return defaultPolicies(Math.max(1, Math.floor(epochs / 4)));
  }

  #emit(emit: Emit): Emit {
    return (t, s, p, pol) => {
      emit(t, s, p, pol);
      this.#seq++;
    };
  }

  /** Epoch start: genesis setup, governance activations for the next epoch, node churn. */
  startEpoch(epoch: number, emitRaw: Emit, policies: Array<{ version: string; fromEpoch: number; policy: Json }>): void {
    const emit = this.#emit(emitRaw);
    this.#epochStart = this.#seq;
    if (epoch === 0) {
      const genesis = policies.find((p) => p.fromEpoch === 0)!;
      emit('policy.activate', 'governance', { version: genesis.version, fromEpoch: 0, policy: genesis.policy });
      for (let i = 0; i < INITIAL_NODES; i++) this.#newNode(epoch, emit);
      for (let i = 0; i < 40; i++) this.#newUser(epoch, emit);
    }
    // Governance activates each change one epoch ahead (fromEpoch > the event's epoch).
    for (const p of policies) if (p.fromEpoch === epoch + 1) emit('policy.activate', 'governance', { version: p.version, fromEpoch: p.fromEpoch, policy: p.policy });
    if (epoch === 0) return;
    // Node churn: most lapsing nodes renew, some lapse; new nodes join; now and then one is revoked.
    for (const n of this.nodes) {
      if (n.revoked || n.validUntil !== epoch - 1) continue;
      if (this.rng.chance(0.8)) this.#attestNode(n, epoch, emit);
    }
    const joins = this.rng.int(3);
    for (let i = 0; i < joins; i++) this.#newNode(epoch, emit);
    if (this.rng.chance(0.3)) {
      const live = this.nodes.filter((n) => !n.revoked && n.validUntil >= epoch);
      if (live.length > 24) {
        const n = this.rng.pick(live);
        n.revoked = true;
        this.#revocations++;
        emit('aegis.revoke', 'aegis', { subject: n.id, from: epoch, reason: this.rng.pick(['failed storage audits', 'key compromise reported', 'operator request']) });
      }
    }
  }

  /** One input event: a new user, a publication, an engagement, or (rarely) a user revocation. */
  step(epoch: number, emitRaw: Emit): void {
    const emit = this.#emit(emitRaw);
    const r = this.rng.float();
    if (r < 0.24 || this.users.length < 20) return this.#newUser(epoch, emit);
    if (r < 0.36 || this.content.length < 5) return this.#publish(emit);
    if (r < 0.362) {
      const u = this.users[this.rng.int(this.users.length)]!;
      if (!u.revoked && this.#liveUsers() > 20) {
        u.revoked = true;
        this.#revocations++;
        return emit('aegis.revoke', 'aegis', { subject: u.id, from: epoch, reason: this.rng.pick(['fraudulent engagement', 'account closed', 'duplicate identity']) });
      }
    }
    this.#engage(emit);
  }

  /** Padding for the exact event count: re-attest an active node with the same key and window (derives nothing). */
  pad(epoch: number, emitRaw: Emit): void {
    const emit = this.#emit(emitRaw);
    const live = this.nodes.filter((n) => !n.revoked && n.validUntil >= epoch);
    const n = live[this.rng.int(live.length)]!;
    emit('aegis.attest', 'aegis', this.#nodePayload(n, this.#keys.get(n.id)!.validFrom));
  }

  readonly #keys = new Map<string, { key: IssuerKey; validFrom: number }>();
  readonly #subjectKey = new Map<string, IssuerKey>();
  readonly #bytes = new Map<string, Uint8Array>();

  #liveUsers(): number {
    let k = 0;
    for (const u of this.users) if (!u.revoked) k++;
    return k;
  }

  /** Input events emitted since the current epoch started. */
  get inputsThisEpoch(): number {
    return this.#seq - this.#epochStart;
  }

  /** The key `id` signs with now (the latest attested one). */
  keyOf(id: string): IssuerKey | undefined {
    return this.#subjectKey.get(id);
  }

  #newUser(epoch: number, emit: Emit): void {
    const id = `u-${String(this.users.length + 1).padStart(6, '0')}`;
    const key = this.#newKey(id);
    this.#subjectKey.set(id, key);
    this.users.push({ id, revoked: false });
    this.#userZipf.add();
    emit('aegis.attest', 'aegis', { subject: id, kind: 'user', key: key.pubB64, validFrom: epoch, validUntil: epoch + USER_VALIDITY });
  }

  #newNode(epoch: number, emit: Emit): void {
    const id = `n-${String(this.nodes.length + 1).padStart(3, '0')}`;
    const n: Node = { id, zone: ZONES[this.nodes.length % ZONES.length]!, validUntil: 0, revoked: false };
    this.nodes.push(n);
    this.#attestNode(n, epoch, emit);
  }

  #attestNode(n: Node, epoch: number, emit: Emit): void {
    const prev = this.#keys.get(n.id);
    // Renewals rotate the key now and then.
    const key = prev && this.rng.chance(0.7) ? prev.key : this.#newKey(prev ? `${n.id}/${epoch}` : n.id);
    n.validUntil = epoch + 3 + this.rng.int(6);
    this.#keys.set(n.id, { key, validFrom: epoch });
    this.#subjectKey.set(n.id, key);
    emit('aegis.attest', 'aegis', this.#nodePayload(n, epoch));
  }

  #nodePayload(n: Node, validFrom: number): Json {
    return { subject: n.id, kind: 'node', key: this.#keys.get(n.id)!.key.pubB64, zone: n.zone, validFrom, validUntil: n.validUntil };
  }


  #activeUser(): User {
    for (;;) {
      const u = this.users[this.#userZipf.sample(this.rng)]!;
      if (!u.revoked) return u;
    }
  }

  #publish(emit: Emit): void {
    const author = this.#activeUser();
    const title = `${this.rng.pick(WORDS)} ${this.rng.pick(WORDS)} ${this.content.length + 1}`;
    const words: string[] = [];
    const n = 10 + this.rng.int(60);
    for (let i = 0; i < n; i++) words.push(this.rng.pick(WORDS));
    const bytes = new TextEncoder().encode(`# ${title}\n\nby ${author.id}\n\n${words.join(' ')}.\n`);
    const cid = toHex(sha256(bytes));
    const keep = this.content.length % 4 === 0 && this.#contentFiles < MAX_CONTENT_FILES;
    if (keep) this.#contentFiles++;
    this.content.push({ cid, author: author.id, shipped: keep });
    this.#bytes.set(cid, bytes);
    this.#contentZipf.add();
    emit('content.publish', author.id, { cid, author: author.id, size: bytes.length, title });
  }

  #engage(emit: Emit): void {
    const actor = this.#activeUser();
    const c = this.content[this.#contentZipf.sample(this.rng)]!;
    emit('engagement', actor.id, { actor: actor.id, cid: c.cid, signal: this.rng.pick(SIGNALS) });
  }

  /** Every content item's bytes (the economy derives fragments from them). */
  bytesOf(cid: string): Uint8Array | null {
    return this.#bytes.get(cid) ?? null;
  }

  *contentFiles(): Generator<{ cid: string; bytes: Uint8Array }> {
    for (const c of this.content) if (c.shipped) yield { cid: c.cid, bytes: this.#bytes.get(c.cid)! };
  }

  stats(): { users: number; nodes: number; content: number; contentFiles: number; revocations: number } {
    return { users: this.users.length, nodes: this.nodes.length, content: this.content.length, contentFiles: this.#contentFiles, revocations: this.#revocations };
  }
}
