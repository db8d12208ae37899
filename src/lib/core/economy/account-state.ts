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
import { canonicalBytes, compareCodePoints, type Json } from '../canonical-json';
import { toHex } from '../bytes';
import { EMPTY_ROOT, leafHash, nodeHash } from '../merkle';

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

const NONE = new Uint8Array(0);

export class AccountBook {
  readonly #states = new Map<string, AccountState>();
  readonly #ids: string[] = [];
  /** Per account: the state key its leaf was computed from. */
  readonly #keys = new Map<string, string>();
  /** levels[0] = leaves in id order; levels[l+1][j] = node(levels[l][2j], levels[l][2j+1]) or levels[l][2j]. */
  #levels: Uint8Array[][] = [[]];
  /** Leaf positions from here on moved (an insertion): their ancestors must be rebuilt. */
  #movedFrom = Infinity;
  /** Accounts that must be (re-)evaluated at the next root(): new ones, and those last hashed from a prospective state. */
  readonly #pending = new Set<string>();

  get(account: string): AccountState | undefined {
    return this.#states.get(account);
  }

  ids(): readonly string[] {
    return this.#ids;
  }

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

  /** Add an account (no-op when known), keeping the id list sorted by code point. */
  ensure(account: string): AccountState {
    let s = this.#states.get(account);
    if (s) return s;
    s = emptyAccount();
    this.#states.set(account, s);
    const at = this.#position(account);
    this.#ids.splice(at, 0, account);
    this.#levels[0]!.splice(at, 0, NONE);
    if (at < this.#ids.length - 1) this.#movedFrom = Math.min(this.#movedFrom, at);
    this.#pending.add(account);
    return s;
  }

  credit(account: string, amount: bigint): void {
    const s = this.ensure(account);
    s.balance = add(s.balance, amount);
    this.#pending.add(account);
  }

  /** Commit a state (e.g. the prospective one of a closed epoch). */
  set(account: string, state: AccountState): void {
    Object.assign(this.ensure(account), state);
    this.#pending.add(account);
  }

  /**
   * State root at the close of an epoch. `overrides` are prospective states (not committed) that
   * take precedence; `changed` names the accounts whose AEGIS status may have changed. Every other
   * account keeps its last leaf. Override and changed ids must be known (ensure()).
   */
  root(statusOf: (account: string) => string, changed: Iterable<string>, overrides?: ReadonlyMap<string, AccountState>): string {
    const leaves = this.#levels[0]!;
    const dirty: number[] = [];
    const visit = (id: string, prospective: boolean): void => {
      const s = overrides?.get(id) ?? this.#states.get(id);
      if (!s) return;
      const status = id === TREASURY ? 'treasury' : statusOf(id);
      const key = `${s.balance}|${s.rewards}|${s.streak}|${s.lastActive}|${s.published}|${status}`;
      const pos = this.#position(id);
      if (prospective) this.#pending.add(id);
      if (this.#keys.get(id) === key && leaves[pos] !== NONE) return;
      this.#keys.set(id, key);
      leaves[pos] = leafHash(canonicalBytes(stateJson(id, s, status)));
      dirty.push(pos);
    };
    const seen = new Set<string>();
    const pending = [...this.#pending];
    this.#pending.clear();
    const once = (id: string, prospective: boolean): void => {
      if (seen.has(id)) return;
      seen.add(id);
      visit(id, prospective);
    };
    for (const id of overrides?.keys() ?? []) once(id, true);
    for (const id of pending) once(id, false);
    for (const id of changed) once(id, false);
    return toHex(this.#rebuild(dirty));
  }

  #rebuild(dirtyLeaves: number[]): Uint8Array {
    const n = this.#ids.length;
    if (n === 0) return EMPTY_ROOT;
    let from = this.#movedFrom;
    this.#movedFrom = Infinity;
    let dirty = new Set(dirtyLeaves);
    let level = 0;
    let size = n;
    while (size > 1) {
      const below = this.#levels[level]!;
      const upSize = Math.ceil(size / 2);
      const up = (this.#levels[level + 1] ??= []);
      up.length = upSize;
      const next = new Set<number>();
      for (const i of dirty) next.add(i >> 1);
      const start = Number.isFinite(from) ? from >> 1 : upSize;
      for (let j = start; j < upSize; j++) next.add(j);
      // The last node of a level may change when the level grows (its sibling appears).
      if (up[upSize - 1] === undefined) next.add(upSize - 1);
      for (const j of next) {
        const l = below[2 * j]!;
        up[j] = 2 * j + 1 < size ? nodeHash(l, below[2 * j + 1]!) : l;
      }
      dirty = next;
      from = Number.isFinite(from) ? from >> 1 : Infinity;
      level++;
      size = upSize;
    }
    this.#levels.length = level + 1;
    return this.#levels[level]![0]!;
  }
}
