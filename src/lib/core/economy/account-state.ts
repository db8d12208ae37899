// Account states and the state root (docs/BUNDLE_FORMAT.md §10.6). At each epoch close e:
//
//   state(a) = {"account": a, "balance": amount, "lastActive": epoch | null, "published": n,
//               "rewards": n, "status": IdentityStatus | "treasury", "streak": n}
//   streak   = the account's consecutive-active-epoch count if it was active in e, else 0
//   leaf(a)  = SHA-256(0x00 ‖ canonical(state(a)))                          (RFC 9162 §2.1.1)
//   stateRoot = MTH of the leaves sorted by account id (code point order)  (RFC 9162 §2.1.1)
//
// The accounts are every attested user plus "treasury" (which receives each epoch's remainder).
// Leaf hashes are cached by state content, and the sorted id list grows by binary insertion, so a
// close re-hashes only the accounts whose state changed.

import { add, formatAmount } from '../amount';
import { canonicalBytes, compareCodePoints, type Json } from '../canonical-json';
import { toHex } from '../bytes';
import { leafHash, rootFromLeafHashes } from '../merkle';

export const TREASURY = 'treasury';

export interface AccountState {
  balance: bigint;
  rewards: number;
  streak: number;
  lastActive: number | null;
  published: number;
}

export const emptyAccount = (): AccountState => ({ balance: 0n, rewards: 0, streak: 0, lastActive: null, published: 0 });

export function stateJson(account: string, s: AccountState, status: string, epoch: number): Json {
  return {
    account,
    balance: formatAmount(s.balance),
    lastActive: s.lastActive,
    published: s.published,
    rewards: s.rewards,
    status,
    streak: s.lastActive === epoch ? s.streak : 0
  };
}

export class AccountBook {
  #states = new Map<string, AccountState>();
  #ids: string[] = [];
  #leaves = new Map<string, { key: string; leaf: Uint8Array }>();

  get(account: string): AccountState | undefined {
    return this.#states.get(account);
  }

  ids(): readonly string[] {
    return this.#ids;
  }

  /** Add an account (no-op when known), keeping the id list sorted by code point. */
  ensure(account: string): AccountState {
    let s = this.#states.get(account);
    if (s) return s;
    s = emptyAccount();
    this.#states.set(account, s);
    let lo = 0;
    let hi = this.#ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareCodePoints(this.#ids[mid]!, account) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.#ids.splice(lo, 0, account);
    return s;
  }

  credit(account: string, amount: bigint): void {
    const s = this.ensure(account);
    s.balance = add(s.balance, amount);
  }

  /**
   * State root at the close of `epoch`, with `overrides` (prospective states not yet committed)
   * taking precedence. Every override id must already be known (ensure()).
   */
  root(epoch: number, statusOf: (account: string) => string, overrides?: ReadonlyMap<string, AccountState>): { root: string; accounts: number } {
    const leaves: Uint8Array[] = new Array(this.#ids.length);
    for (let i = 0; i < this.#ids.length; i++) {
      const id = this.#ids[i]!;
      const s = overrides?.get(id) ?? this.#states.get(id)!;
      const status = id === TREASURY ? 'treasury' : statusOf(id);
      const streak = s.lastActive === epoch ? s.streak : 0;
      const key = `${s.balance}|${s.rewards}|${streak}|${s.lastActive}|${s.published}|${status}`;
      const cached = this.#leaves.get(id);
      if (cached && cached.key === key) {
        leaves[i] = cached.leaf;
        continue;
      }
      const leaf = leafHash(canonicalBytes(stateJson(id, s, status, epoch)));
      this.#leaves.set(id, { key, leaf });
      leaves[i] = leaf;
    }
    return { root: toHex(rootFromLeafHashes(leaves)), accounts: leaves.length };
  }
}
