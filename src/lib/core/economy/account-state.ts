// Account states and the state root (docs/BUNDLE_FORMAT.md §10.6). At each epoch close e:
//
//   state(a) = {"account": a, "balance": amount, "lastActive": epoch | null, "published": n,
//               "rewards": n, "status": IdentityStatus | "treasury", "streak": n}
//   streak   = the consecutive-active-epoch count as of lastActive (it changes only when a is active)
//   leaf(a)  = SHA-256(0x00 ‖ canonical(state(a)))                          (RFC 9162 §2.1.1)
//   stateRoot = MTH of the leaves sorted by account id (code point order)  (RFC 9162 §2.1.1)
//
// The accounts are every attested user plus "treasury" (which receives each epoch's remainder).
// Incremental: the ids stay sorted by binary insertion (new users append, ids being zero-padded),
// a close re-evaluates only the accounts the caller names (active, rewarded, AEGIS-changed, new),
// and the tree keeps every level, so only the ancestors of changed leaves are re-hashed. Building
// the levels bottom-up, promoting a last odd node unchanged, gives exactly the RFC 9162 MTH.

import { add, formatAmount } from '../amount';
import { canonicalBytes, compareCodePoints, quoteString, type Json } from '../canonical-json';
import { resized, toHex } from '../bytes';
import { sha256 } from '../hash';
import { EMPTY_ROOT, leafHash, nodeHashInto } from '../merkle';
import { sha256RangeInto } from '../sha256-oneshot';

export const TREASURY = 'treasury';

export interface AccountState {
  balance: bigint;
  rewards: number;
  streak: number;
  lastActive: number | null;
  published: number;
}

export const emptyAccount = (): AccountState => ({ balance: 0n, rewards: 0, streak: 0, lastActive: null, published: 0 });

export function stateJson(account: string, s: AccountState, status: string): Json {
  return { account, balance: formatAmount(s.balance), lastActive: s.lastActive, published: s.published, rewards: s.rewards, status, streak: s.streak };
}

const NONE = 0x7fffffff;

const safe = (x: number): boolean => Number.isSafeInteger(x);
/** 0x00 ‖ canonical state, built in place (grown when an id is long). */
let leafBuf = new Uint8Array(512);

/**
 * leaf(a) = SHA-256(0x00 ‖ canonical(stateJson(a, s, status))) (RFC 9162 §2.1.1), without building
 * the object: the canonical text of this fixed key set written directly (keys in code-point order,
 * strings through quoteString, integers as String()). A state with any number that is not a safe
 * integer takes the generic path, which throws the same CanonicalJsonError as before.
 */
export function stateLeaf(account: string, s: AccountState, status: string): Uint8Array {
  const n = leafInput(account, s, status);
  return n < 0 ? leafHash(canonicalBytes(stateJson(account, s, status))) : sha256(leafBuf.subarray(0, n));
}

/**
 * stateLeaf written as 32 bytes to out[at..at+32), with the pure one-shot SHA-256 (the same
 * function as any backend's) and no result array (issue 7: the replay's garbage). Nothing is
 * written when it throws.
 */
function stateLeafInto(out: Uint8Array, at: number, account: string, s: AccountState, status: string): void {
  const n = leafInput(account, s, status);
  if (n < 0) out.set(leafHash(canonicalBytes(stateJson(account, s, status))), at);
  else sha256RangeInto(leafBuf, 0, n, out, at);
}

/** 0x00 ‖ the canonical state in leafBuf[0, n), returning n; −1 when a number is not a safe integer (the generic path). */
function leafInput(account: string, s: AccountState, status: string): number {
  if (!(safe(s.published) && safe(s.rewards) && safe(s.streak) && (s.lastActive === null || safe(s.lastActive)))) return -1;
  const balance = formatAmount(s.balance); // first, as stateJson does: its RangeError comes before any string's
  const text = `{"account":${quoteString(account)},"balance":"${balance}","lastActive":${s.lastActive === null ? 'null' : String(s.lastActive)},"published":${String(s.published)},"rewards":${String(s.rewards)},"status":${quoteString(status)},"streak":${String(s.streak)}}`;
  if (text.length + 1 > leafBuf.length) leafBuf = new Uint8Array(2 * (text.length + 1));
  const b = leafBuf;
  b[0] = 0;
  for (let i = 0; i < text.length; i++) b[i + 1] = text.charCodeAt(i);
  return text.length + 1;
}

/** Status codes of what a leaf was last hashed from ('treasury' for the treasury). */
const STATUSES = ['treasury', 'verified', 'revoked', 'expired', 'pending', 'unknown'];
const int32 = (x: number): boolean => (x | 0) === x;
/** An int32 that is not −0 (stored in an Int32Array and read back, it is the same number). */
const fitsInt = (x: number): boolean => int32(x) && !Object.is(x, -0);
/** lastActive null in AccountBook's columns. */
const NULL_EPOCH = -0x80000000;

/**
 * Per sorted position: the state a leaf was last hashed from, in typed arrays (issue 7: a string
 * key per account cost ~150 bytes). Only an optimisation: a leaf is re-hashed unless every field
 * is known to be equal, so a value that does not fit (not an int32, an unknown status) re-hashes.
 */
class HashedStates {
  #n = 0;
  #has = new Uint8Array(0);
  #status = new Uint8Array(0);
  #ints = new Int32Array(0);
  readonly #balance: bigint[] = [];

  insert(at: number): void {
    if (this.#n === this.#has.length) {
      const cap = Math.max(64, Math.ceil(this.#n * 1.25));
      this.#has = resized(this.#has, cap);
      this.#status = resized(this.#status, cap);
      this.#ints = resized(this.#ints, cap * 4);
    }
    this.#has.copyWithin(at + 1, at, this.#n);
    this.#status.copyWithin(at + 1, at, this.#n);
    this.#ints.copyWithin((at + 1) * 4, at * 4, this.#n * 4);
    this.#balance.splice(at, 0, 0n);
    this.#has[at] = 0;
    this.#n++;
  }

  /** Whether the leaf at `pos` was hashed from a state with exactly these fields (whatever its status). */
  sameFields(pos: number, s: AccountState): boolean {
    const i = pos * 4;
    const ints = this.#ints;
    const last = s.lastActive === null ? -1 : s.lastActive;
    return this.#has[pos] === 1 && this.#balance[pos] === s.balance && ints[i] === s.rewards && ints[i + 1] === s.streak && ints[i + 2] === last && ints[i + 3] === s.published;
  }

  /** Whether the leaf at `pos` was hashed from exactly this state; records it when not. */
  same(pos: number, s: AccountState, status: string): boolean {
    const code = STATUSES.indexOf(status);
    const last = s.lastActive === null ? -1 : s.lastActive;
    const fits = code >= 0 && int32(s.rewards) && int32(s.streak) && int32(s.published) && (s.lastActive === null || (int32(last) && last >= 0));
    const i = pos * 4;
    const ints = this.#ints;
    if (fits && this.#has[pos] === 1 && this.#status[pos] === code && this.#balance[pos] === s.balance && ints[i] === s.rewards && ints[i + 1] === s.streak && ints[i + 2] === last && ints[i + 3] === s.published) return true;
    this.#has[pos] = fits ? 1 : 0;
    this.#status[pos] = code;
    this.#balance[pos] = s.balance;
    ints[i] = s.rewards;
    ints[i + 1] = s.streak;
    ints[i + 2] = last;
    ints[i + 3] = s.published;
    return false;
  }
}

export class AccountBook {
  /**
   * An account's position in id order as last known, checked against `#ids` (ids are unique) and
   * re-found by binary search after an insertion before it. Kept by the account's AEGIS subject
   * index (IdentityView.subjectIndex), plus one (0: none), in `#hint`: a map entry per account cost
   * ~46 bytes of heap, 7 MB at 1M events (issue 7). Ids that are no subject's (the treasury, an
   * account the book met before its attestation) are in `#at`.
   */
  #hint = new Int32Array(0);
  readonly #at = new Map<string, number>();
  readonly #subjectIndex: (account: string) => number;
  readonly #ids: string[] = [];
  /**
   * The committed states in id order (aligned with `#ids`), in columns (issue 7 memory: an object
   * per account cost ~30-60 bytes more): the balances, and per position rewards, streak, lastActive
   * (NULL_EPOCH for null) and published in one Int32Array. A state with a field that does not fit
   * (not an int32, −0, a lastActive equal to NULL_EPOCH) has those four kept in #other instead,
   * exactly; its balance is in #balance like every other.
   */
  readonly #balance: bigint[] = [];
  #num = new Int32Array(0);
  #other = new Map<number, Omit<AccountState, 'balance'>>();
  /** Per position: the state its leaf was computed from. */
  readonly #hashed = new HashedStates();
  /**
   * levels[0] = leaves in id order; levels[l+1] node j = node(levels[l] 2j, 2j+1) or levels[l] 2j;
   * 32 bytes per node in one buffer per level, sizes[l] nodes of it in use.
   */
  #levels: Uint8Array[] = [new Uint8Array(0)];
  #sizes: number[] = [0];
  /** Leaf positions from here on moved (an insertion): their ancestors must be rebuilt. */
  #movedFrom = Infinity;
  /** Accounts that must be (re-)evaluated at the next root(): new ones, and those last hashed from a prospective state. */
  #pending = new Set<string>();
  /** Per position: the root() call that last visited it (a visit per account and call). */
  #visited = new Int32Array(0);
  #visit = 0;

  /** `subjectIndex`: an attested subject's dense index (IdentityView.subjectIndex), −1 for any other id. */
  constructor(subjectIndex: (account: string) => number = () => -1) {
    this.#subjectIndex = subjectIndex;
  }

  /** The committed state of an account (a copy: change it with credit() or set()). */
  get(account: string): AccountState | undefined {
    const at = this.#find(account);
    return at < 0 ? undefined : this.#state(at);
  }

  /**
   * The streak `account` has if it is active at epoch e (§10.6): its committed streak + 1 when its
   * last active epoch is e − 1, else 1 (1 for an unknown account). Read from the columns, without
   * the state object get() makes (issue 7: once per active account per close).
   */
  streakIfActive(account: string, e: number): number {
    const pos = this.#find(account);
    if (pos < 0) return 1;
    const o = this.#other.size > 0 ? this.#other.get(pos) : undefined;
    if (o) return o.lastActive === e - 1 ? o.streak + 1 : 1;
    const i = pos * 4;
    const last = this.#num[i + 2]!;
    return last !== NULL_EPOCH && last === e - 1 ? this.#num[i + 1]! + 1 : 1;
  }

  /**
   * Add an account (no-op when known) and return its position in id order: valid until the next
   * insertion before it. A position passed back as a hint (root(), set()) is used only while it
   * still holds that account, so a stale one costs a lookup, never a wrong account.
   */
  locate(account: string): number {
    return this.#ensure(account);
  }

  /** The committed state at a position from locate() (a fresh object: change it with set()). */
  stateAt(pos: number): AccountState {
    if (!(pos >= 0 && pos < this.#ids.length)) throw new RangeError(`no account at position ${pos}`);
    return this.#state(pos);
  }

  /** `hint` when it is still the position of `account` (no insertion before it since), else the account's position (−1 for an unknown one). */
  #hinted(account: string, hint: number | undefined): number {
    return hint !== undefined && this.#ids[hint] === account ? hint : this.#find(account);
  }

  /** The committed state at a position (a fresh object). */
  #state(pos: number): AccountState {
    const o = this.#other.size > 0 ? this.#other.get(pos) : undefined;
    if (o) return { balance: this.#balance[pos]!, ...o };
    const n = this.#num;
    const i = pos * 4;
    const last = n[i + 2]!;
    return { balance: this.#balance[pos]!, rewards: n[i]!, streak: n[i + 1]!, lastActive: last === NULL_EPOCH ? null : last, published: n[i + 3]! };
  }

  /** Store the committed state at a position (its values, not the object). */
  #store(pos: number, s: AccountState): void {
    this.#balance[pos] = s.balance;
    const last = s.lastActive === null ? NULL_EPOCH : s.lastActive;
    if (fitsInt(s.rewards) && fitsInt(s.streak) && fitsInt(s.published) && (s.lastActive === null || (fitsInt(last) && last !== NULL_EPOCH))) {
      const n = this.#num;
      const i = pos * 4;
      n[i] = s.rewards;
      n[i + 1] = s.streak;
      n[i + 2] = last;
      n[i + 3] = s.published;
      if (this.#other.size > 0) this.#other.delete(pos);
    } else this.#other.set(pos, { rewards: s.rewards, streak: s.streak, lastActive: s.lastActive, published: s.published });
  }

  ids(): readonly string[] {
    return this.#ids;
  }

  /** Position of a known account, −1 for an unknown one (`i`: its subject index, when the caller has it). */
  #find(account: string, i: number = this.#subjectIndex(account)): number {
    const h = i >= 0 && i < this.#hint.length ? this.#hint[i]! : 0;
    const at = h !== 0 ? h - 1 : this.#at.get(account);
    if (at === undefined) return -1;
    if (this.#ids[at] === account) return at;
    const p = this.#position(account);
    this.#remember(account, i, p);
    return p;
  }

  /** Keep `pos` as the position of `account` (subject index `i`, −1 for none). */
  #remember(account: string, i: number, pos: number): void {
    if (i < 0) {
      this.#at.set(account, pos);
      return;
    }
    if (i >= this.#hint.length) this.#hint = resized(this.#hint, Math.max(64, Math.ceil((i + 1) * 1.25)));
    this.#hint[i] = pos + 1;
  }

  /** Where `account` is or would be inserted in id order (code point order). */
  #position(account: string): number {
    let lo = 0;
    let hi = this.#ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCodePoints(this.#ids[mid]!, account) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Level l with room for `size` nodes (the buffer grows by a quarter: retained memory, issue 7). */
  #level(l: number, size: number): Uint8Array {
    let b = this.#levels[l];
    if (!b || b.length < size * 32) {
      const next = new Uint8Array(Math.max(size, 64, b ? Math.ceil((b.length / 32) * 1.25) : 0) * 32);
      if (b) next.set(b);
      this.#levels[l] = b = next;
    }
    return b;
  }

  /** Add an account (no-op when known), keeping the id list sorted by code point; its committed state (a copy). */
  ensure(account: string): AccountState {
    return this.#state(this.#ensure(account));
  }

  /** ensure(), returning the account's position. */
  #ensure(account: string): number {
    const i = this.#subjectIndex(account);
    const known = this.#find(account, i);
    if (known >= 0) return known;
    const n = this.#ids.length;
    // New users append (zero-padded ids): check the end before searching.
    const at = n === 0 || compareCodePoints(this.#ids[n - 1]!, account) < 0 ? n : this.#position(account);
    this.#remember(account, i, at);
    if (4 * (n + 1) > this.#num.length) this.#num = resized(this.#num, 4 * Math.max(64, Math.ceil((n + 1) * 1.25)));
    if (at === n) {
      this.#ids.push(account);
      this.#balance.push(0n);
    } else {
      this.#ids.splice(at, 0, account);
      this.#balance.splice(at, 0, 0n);
      this.#num.copyWithin((at + 1) * 4, at * 4, n * 4);
      if (this.#other.size > 0) {
        const moved = new Map<number, Omit<AccountState, 'balance'>>();
        for (const [pos, o] of this.#other) moved.set(pos >= at ? pos + 1 : pos, o);
        this.#other = moved;
      }
    }
    this.#store(at, emptyAccount());
    const leaves = this.#level(0, n + 1);
    leaves.copyWithin((at + 1) * 32, at * 32, n * 32);
    leaves.fill(0, at * 32, at * 32 + 32);
    this.#sizes[0] = n + 1;
    this.#hashed.insert(at);
    if (n + 1 > this.#visited.length) this.#visited = resized(this.#visited, Math.max(64, Math.ceil((n + 1) * 1.25)));
    this.#visited.copyWithin(at + 1, at, n);
    this.#visited[at] = 0;
    if (at < n) this.#movedFrom = Math.min(this.#movedFrom, at);
    this.#pending.add(account);
    return at;
  }

  credit(account: string, amount: bigint): void {
    const pos = this.#ensure(account);
    this.#balance[pos] = add(this.#balance[pos]!, amount);
    this.#pending.add(account);
  }

  /** Commit a state (e.g. the prospective one of a closed epoch). */
  set(account: string, state: AccountState, hint?: number): void {
    const at = this.#hinted(account, hint);
    const pos = at >= 0 ? at : this.#ensure(account);
    this.#store(pos, state);
    // Committing the prospective state its leaf was just hashed from (the close): the leaf stands,
    // as every unchanged account's does (a status change names the account in root()'s `changed`).
    if (this.#hashed.sameFields(pos, state)) this.#pending.delete(account);
    else this.#pending.add(account);
  }

  /**
   * State root at the close of an epoch. `overrides` are prospective states (not committed) that
   * take precedence; `changed` names the accounts whose AEGIS status may have changed. Every other
   * account keeps its last leaf. Override and changed ids must be known (ensure()). `hints`: the
   * overrides' positions from locate(), in the map's order (checked: see #hinted).
   */
  root(statusOf: (account: string) => string, changed: Iterable<string>, overrides?: ReadonlyMap<string, AccountState>, hints?: readonly number[]): string {
    const leaves = this.#levels[0]!;
    const visited = this.#visited;
    const visit = ++this.#visit;
    const dirty: number[] = [];
    // Each account once, overrides first (their state is the prospective one), then the pending and changed ones.
    const once = (id: string, over: AccountState | undefined, hint?: number): void => {
      const pos = this.#hinted(id, hint);
      if (pos < 0 || visited[pos] === visit) return;
      visited[pos] = visit;
      const s = over ?? this.#state(pos);
      const status = id === TREASURY ? 'treasury' : statusOf(id);
      if (this.#hashed.same(pos, s, status)) return;
      stateLeafInto(leaves, pos * 32, id, s, status);
      dirty.push(pos);
    };
    const pending = this.#pending;
    this.#pending = new Set();
    if (overrides) {
      let k = 0;
      for (const [id, s] of overrides) {
        // Hashed from a prospective state: re-evaluated at the next root() (it may not be committed).
        this.#pending.add(id);
        once(id, s, hints?.[k++]);
      }
    }
    for (const id of pending) once(id, undefined);
    for (const id of changed) once(id, undefined);
    return toHex(this.#rebuild(dirty));
  }

  /**
   * Re-hash the ancestors of the changed leaves, level by level: per level the changed nodes are
   * a sorted list below `from` and every node from `from` on (positions moved by an insertion, or
   * new to the level).
   */
  #rebuild(dirtyLeaves: number[]): Uint8Array {
    const n = this.#ids.length;
    if (n === 0) return EMPTY_ROOT;
    // NONE: no suffix (nothing moved); NONE >> 1 stays above any level's size.
    let from = Number.isFinite(this.#movedFrom) ? this.#movedFrom : NONE;
    this.#movedFrom = Infinity;
    const dirty = Int32Array.from(dirtyLeaves).sort();
    let count = dirty.length;
    let level = 0;
    let size = n;
    while (size > 1) {
      const below = this.#levels[level]!;
      const upSize = (size + 1) >> 1;
      const had = this.#sizes[level + 1] ?? 0;
      const up = this.#level(level + 1, upSize);
      // Nodes new to this level (it grew) and those above moved leaves: every one from `lo` on.
      const lo = Math.min(from >> 1, had, upSize);
      let k = 0;
      let last = -1;
      for (let i = 0; i < count; i++) {
        const j = dirty[i]! >> 1;
        if (j >= lo) break;
        if (j !== last) dirty[k++] = last = j;
      }
      count = k;
      for (let t = 0; t < count + upSize - lo; t++) {
        const j = t < count ? dirty[t]! : lo + t - count;
        const o = 64 * j;
        if (2 * j + 1 < size) nodeHashInto(below, o, up, 32 * j);
        else for (let b = 0; b < 32; b++) up[32 * j + b] = below[o + b]!;
      }
      this.#sizes[level + 1] = upSize;
      from = lo < upSize ? lo : NONE;
      level++;
      size = upSize;
    }
    this.#levels.length = level + 1;
    this.#sizes.length = level + 1;
    return this.#levels[level]!.subarray(0, 32);
  }
}
