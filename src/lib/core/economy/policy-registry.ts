// PolicyRegistry (docs/BUNDLE_FORMAT.md §10.1): the policies activated by `policy.activate`, by the
// epoch from which each applies. Policy Consistency: a policy-bound event must carry the hash of
// the policy in force at its epoch — `policy.unknown` when no activation has that hash,
// `policy.mismatch` when it names a policy that is not the one in force.

import type { Json } from '../canonical-json';
import type { Finding } from '../types';
import { parsePolicy, policyHash, type EconomyPolicy } from './policy';

export interface PolicyEntry {
  version: string;
  fromEpoch: number;
  hash: string;
  /** Seq of the `policy.activate` event. */
  seq: number;
  document: Json;
  policy: EconomyPolicy;
}

/** What an explanation shows about a policy: which epochs it covers (toEpoch null = still open). */
export interface PolicyRef {
  version: string;
  hash: string;
  fromEpoch: number;
  toEpoch: number | null;
  activatedSeq: number;
}

export class PolicyRegistry {
  /** Sorted by fromEpoch ascending; at most one entry per fromEpoch. */
  #entries: PolicyEntry[] = [];
  #byHash = new Map<string, PolicyEntry>();

  /**
   * Apply a `policy.activate` payload (already schema-checked by the ledger layer). fromEpoch must
   * be greater than the event's epoch, except the genesis policy (fromEpoch 0 at epoch 0). An
   * activation for an epoch that already has one replaces it (both were announced in advance).
   */
  activate(payload: Json, epoch: number, seq: number): Finding[] {
    const bad = (message: string): Finding[] => [{ code: 'policy.invalid', seq, epoch, message }];
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return bad('policy.activate payload is not an object');
    const { version, fromEpoch, policy } = payload;
    if (typeof version !== 'string' || version === '') return bad('policy.activate version must be a non-empty string');
    if (typeof fromEpoch !== 'number' || !Number.isSafeInteger(fromEpoch) || fromEpoch < 0) return bad('policy.activate fromEpoch must be a non-negative integer');
    const genesis = fromEpoch === 0 && epoch === 0;
    if (!genesis && fromEpoch <= epoch) return bad(`policy ${version} fromEpoch ${fromEpoch} must be after the activating event's epoch ${epoch}`);
    if (policy === undefined) return bad('policy.activate has no policy document');
    const parsed = parsePolicy(policy);
    if (!parsed.ok) return bad(`policy ${version} is invalid: ${parsed.error}`);
    const entry: PolicyEntry = { version, fromEpoch, hash: policyHash(policy), seq, document: policy, policy: parsed.policy };
    const at = this.#entries.findIndex((e) => e.fromEpoch >= fromEpoch);
    if (at < 0) this.#entries.push(entry);
    else if (this.#entries[at]!.fromEpoch === fromEpoch) this.#entries[at] = entry;
    else this.#entries.splice(at, 0, entry);
    if (!this.#byHash.has(entry.hash)) this.#byHash.set(entry.hash, entry);
    return [];
  }

  /** The policy in force at `epoch`: the entry with the greatest fromEpoch ≤ epoch, or null. */
  getPolicyForEpoch(epoch: number): PolicyEntry | null {
    let lo = 0;
    let hi = this.#entries.length - 1;
    let found: PolicyEntry | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const e = this.#entries[mid]!;
      if (e.fromEpoch <= epoch) {
        found = e;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  byHash(hash: string): PolicyEntry | null {
    return this.#byHash.get(hash) ?? null;
  }

  entries(): readonly PolicyEntry[] {
    return this.#entries;
  }

  ref(entry: PolicyEntry): PolicyRef {
    const i = this.#entries.indexOf(entry);
    const next = i >= 0 ? this.#entries[i + 1] : undefined;
    return { version: entry.version, hash: entry.hash, fromEpoch: entry.fromEpoch, toEpoch: next ? next.fromEpoch - 1 : null, activatedSeq: entry.seq };
  }

  /**
   * Policy Consistency check for a policy-bound event (verifyPolicyForEpoch). Returns the policy
   * in force (used for the recomputation whatever the event claims) and the finding, if any.
   */
  verifyPolicyForEpoch(recorded: string | undefined, epoch: number, seq: number): { entry: PolicyEntry | null; finding: Finding | null } {
    const entry = this.getPolicyForEpoch(epoch);
    if (!entry) return { entry: null, finding: { code: 'policy.unknown', seq, epoch, message: `no policy is in force at epoch ${epoch}`, recorded: recorded ?? '(none)' } };
    if (recorded === entry.hash) return { entry, finding: null };
    const claimed = recorded === undefined ? undefined : this.#byHash.get(recorded);
    if (!claimed)
      return { entry, finding: { code: 'policy.unknown', seq, epoch, message: `policy hash ${recorded ?? '(none)'} matches no activated policy; ${entry.version} is in force at epoch ${epoch}`, recorded: recorded ?? '(none)', recomputed: entry.hash } };
    return {
      entry,
      finding: { code: 'policy.mismatch', seq, epoch, message: `event cites policy ${claimed.version} (from epoch ${claimed.fromEpoch}) but ${entry.version} is in force at epoch ${epoch}`, recorded: recorded!, recomputed: entry.hash }
    };
  }
}
