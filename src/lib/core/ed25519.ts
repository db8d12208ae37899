// The Ed25519 acceptance rule (docs/BUNDLE_FORMAT.md §7; tlog-formats.md §4). Consensus-critical:
// every code path (pure JS, WebCrypto, node:crypto) must accept exactly the same signatures, so
// the rule is checked here in JS before any backend sees the signature:
//
//   accept iff |A| = 32 and |sig| = 64, A and R are canonical encodings (y < p, and not x = 0 with
//   the sign bit set), S < L, neither A nor R is of small order, and [S]B = R + [k]A holds
//   (cofactorless), with k = SHA-512(R || A || M) mod L.
//
// This is libsodium's crypto_sign_verify_detached and dalek's verify_strict: speccheck row
// X X X V X X X X X X X X, Wycheproof 151/151. Bare @noble verify (ZIP-215, cofactored) and bare
// WebCrypto / OpenSSL (lenient A decoding, small order allowed) each disagree with it on crafted
// signatures, which is why a backend only ever gets inputs that passed `precheck`. Pinned keys are
// additionally checked once with `checkKey` (torsion-free).

import { bytesEqual, fromHex, toHex } from './bytes';
import { isOnCurve } from './curve-membership';
import { L_BYTES, reduce512ModL } from './scalar25519';
import { sha512Of3 } from './sha512';
import { combTable, decodePoint, encode, encodeAll, fixedWindowTable, isTorsionFree, sBminuskAProjective, windowsFor, type Projective, type VerifyKey } from './edwards25519';

/** Order of the prime subgroup (scalar25519.ts). */
export { L } from './scalar25519';

/** A raw cofactorless Ed25519 verifier. Only `verify` calls it, after `precheck` passed. */
export interface Ed25519Backend {
  readonly name: string;
  verifyRaw(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean | Promise<boolean>;
}

export type PrecheckReason = 'length' | 'noncanonical-key' | 'noncanonical-r' | 's-not-reduced' | 'small-order-key' | 'small-order-r';
export type KeyReason = 'length' | 'noncanonical-key' | 'small-order-key' | 'not-on-curve' | 'not-torsion-free';

/** The 8 points of order dividing 8, in their canonical encodings (each is in the torsion subgroup). */
export const SMALL_ORDER_ENCODINGS: readonly Uint8Array[] = [
  '0000000000000000000000000000000000000000000000000000000000000000', // order 4, x = +sqrt(-1)
  '0000000000000000000000000000000000000000000000000000000000000080', // order 4, x = -sqrt(-1)
  '0100000000000000000000000000000000000000000000000000000000000000', // identity
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2, (0, -1)
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa'
].map((h) => fromHex(h)!);

/**
 * Canonical point encoding (RFC 8032 §5.1.3): y (the low 255 bits) < p = 2^255 − 19, and the sign
 * bit is not set on a point with x = 0 (y = 1 or y = p − 1). Curve membership is not checked here.
 */
export function isCanonicalPoint(b: Uint8Array): boolean {
  return b.length === 32 && canonicalAt(b, 0);
}

/** isCanonicalPoint of the 32 bytes of `b` from `o` (precheck reads R in place, without a view). */
function canonicalAt(b: Uint8Array, o: number): boolean {
  const last = b[o + 31]!;
  const top = last & 0x7f;
  const sign = last >> 7;
  const first = b[o]!;
  let midAllFF = top === 0x7f;
  for (let i = 1; i < 31 && midAllFF; i++) if (b[o + i] !== 0xff) midAllFF = false;
  if (midAllFF && first >= 0xed) return false; // y >= p
  if (sign === 1) {
    if (midAllFF && first === 0xec) return false; // y = p − 1, x = 0
    if (first === 1 && top === 0) {
      let rest = true;
      for (let i = 1; i < 31 && rest; i++) if (b[o + i] !== 0) rest = false;
      if (rest) return false; // y = 1, x = 0
    }
  }
  return true;
}

/** True iff the (canonical) encoding is one of the 8 small-order points. */
export function isSmallOrderEncoding(b: Uint8Array): boolean {
  return b.length === 32 && smallOrderAt(b, 0);
}

/** isSmallOrderEncoding of the 32 bytes of `b` from `o`: a byte comparison with each of the 8. */
function smallOrderAt(b: Uint8Array, o: number): boolean {
  const first = b[o];
  if (first !== 0x00 && first !== 0x01 && first !== 0x26 && first !== 0xc7 && first !== 0xec) return false;
  outer: for (const e of SMALL_ORDER_ENCODINGS) {
    for (let i = 0; i < 32; i++) if (e[i] !== b[o + i]) continue outer;
    return true;
  }
  return false;
}

/** True iff the 32-byte little-endian scalar at s[o..o+32) is < L (compared from the most significant byte). */
function isReducedScalarAt(s: Uint8Array, o: number): boolean {
  for (let i = 31; i >= 0; i--) {
    if (s[o + i]! !== L_BYTES[i]!) return s[o + i]! < L_BYTES[i]!;
  }
  return false; // s = L
}

function assertBytes(x: unknown, what: string): asserts x is Uint8Array {
  if (!(x instanceof Uint8Array)) throw new TypeError(`${what} must be a Uint8Array`);
}

/** The cheap, backend-independent part of the rule. Null when the signature may go to a backend. */
export function precheck(pub: Uint8Array, sig: Uint8Array): PrecheckReason | null {
  assertBytes(pub, 'public key');
  assertBytes(sig, 'signature');
  if (pub.length !== 32 || sig.length !== 64) return 'length';
  // R = sig[0, 32) and S = sig[32, 64) are read in place: no views per signature (issue 7).
  if (!canonicalAt(pub, 0)) return 'noncanonical-key';
  if (!canonicalAt(sig, 0)) return 'noncanonical-r';
  if (!isReducedScalarAt(sig, 32)) return 's-not-reduced';
  if (smallOrderAt(pub, 0)) return 'small-order-key';
  if (smallOrderAt(sig, 0)) return 'small-order-r';
  return null;
}

/** Key check run once per pinned or registered key: canonical, on the curve, not small, torsion-free. */
export function checkKey(pub: Uint8Array): KeyReason | null {
  assertBytes(pub, 'public key');
  if (pub.length !== 32) return 'length';
  if (!isCanonicalPoint(pub)) return 'noncanonical-key';
  if (isSmallOrderEncoding(pub)) return 'small-order-key';
  // strict RFC 8032 §5.1.3 decoding (as @noble/curves' Point.fromBytes(pub, false)), then [L]A = O
  // in core's own arithmetic (edwards25519.ts): the verify path loads no curve library, whose set-up
  // drew random bytes for its blinding and cost every signature worker's start (issue 7).
  const A = decodePoint(pub);
  if (A === null) return 'not-on-curve';
  return isTorsionFree(A.x, A.y) ? null : 'not-torsion-free';
}

/**
 * The check for subject keys registered by AEGIS attestations (users, storage nodes): the length,
 * a canonical encoding, not of small order, and a point on the curve: the conditions under which
 * the key could ever pass `precheck` and a backend, so a key that can never sign is refused at its
 * attestation. Unlike `checkKey` it does not test torsion-freeness. That test is a full scalar
 * multiplication (about 0.3 ms in Chromium, 1-4 ms in Node 20), and with one attestation per user
 * it was the largest single cost of a replay (issue 7 profile of the 10k demo: 34 % of the CLI's
 * CPU, more than all signature verifications). Curve membership is a Jacobi symbol, not a square
 * root (curve-membership.ts). §7 asks for the torsion check on pinned keys only
 * (tlog-formats.md §4); a mixed-order subject key gets the same verdicts from every cofactorless
 * backend behind the prechecks, so all ATLAS verifiers still agree on every signature.
 */
export function checkSubjectKey(pub: Uint8Array): KeyReason | null {
  assertBytes(pub, 'public key');
  if (pub.length !== 32) return 'length';
  if (!isCanonicalPoint(pub)) return 'noncanonical-key';
  if (isSmallOrderEncoding(pub)) return 'small-order-key';
  // Same verdict as Point.fromBytes(pub, false) on a canonical encoding, 5–8× faster (issue 7).
  return isOnCurve(pub) ? null : 'not-on-curve';
}

/**
 * Verify under the acceptance rule: `precheck`, then the backend's cofactorless equation. Returns
 * synchronously when the backend is synchronous. A backend exception counts as a rejection.
 */
export function verify(backend: Ed25519Backend, pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean | Promise<boolean> {
  assertBytes(msg, 'message');
  if (precheck(pub, sig) !== null) return false;
  let out: boolean | Promise<boolean>;
  try {
    out = backend.verifyRaw(pub, msg, sig);
  } catch {
    return false;
  }
  if (typeof out === 'boolean') return out;
  if (!(out instanceof Promise)) return false; // a backend that answers neither boolean nor promise
  return out.then(
    (v) => v === true,
    () => false
  );
}

// ---------------------------------------------------------------------------------------------
// Pure backend: keys decoded strictly (RFC 8032 §5.1.3, edwards25519.ts decodePoint, tested
// against @noble/curves), the equation in edwards25519.ts (variable-time, verification only).

/**
 * The pure backend's key cache limits. Every decoded key gets a comb table on its first use
 * (about one sliding-window multiplication to build; then [k]A is ~31 doublings and ~43
 * additions, ~570 field multiplications, instead of ~2,100). A key used `hotAfterUses` times gets
 * a fixed-window table instead (W = 6: 1,376 points, ~20,000 multiplications to build; then [k]A
 * is ~43 additions, ~300 multiplications): against the comb it pays for itself after ~70 more
 * uses. 48 (was 16 before the comb tier): a cost model over the signer sequences of the 10k demo
 * and the 100k ledger put 32–64 within 1 % of the best and 16 about 5 % above it (issue 7).
 */
export interface PureCacheLimits {
  hotAfterUses: number;
  /** Keys with a fixed-window table (~440 kB of heap each in Node 20), first promoted first out. */
  hotMax: number;
  /** Keys with a comb table (~15 kB of heap each in Node 20), least recently used first out. */
  combMax: number;
  /** Decoded keys, least recently used first out. */
  decodedMax: number;
}

export const PURE_CACHE_LIMITS: Readonly<PureCacheLimits> = { hotAfterUses: 48, hotMax: 64, combMax: 1024, decodedMax: 8192 };
const WINDOW = 6;

interface KeyEntry {
  key: VerifyKey | null; // null: not a valid point
  uses: number;
}

/** Decoded-key cache with a tier of keys that have a fixed-window table and one of keys with a comb table. */
class KeyCache {
  #entries = new Map<string, KeyEntry>();
  #hot: string[] = [];
  /** Keys that have a comb table, least recently used first. */
  #combs = new Map<string, true>();

  constructor(readonly limits: Readonly<PureCacheLimits>) {}

  get(pub: Uint8Array): VerifyKey | null {
    const id = toHex(pub);
    let e = this.#entries.get(id);
    if (e) {
      this.#entries.delete(id);
    } else {
      const xy = decodePoint(pub); // strict RFC 8032 §5.1.3, as Point.fromBytes(pub, false)
      e = { key: xy === null ? null : { x: xy.x, y: xy.y, table: null, window: 0, comb: null }, uses: 0 };
      if (this.#entries.size >= this.limits.decodedMax) this.#evictOldest();
    }
    this.#entries.set(id, e);
    e.uses++;
    if (e.key && e.key.table === null) {
      if (e.uses >= this.limits.hotAfterUses) this.#promote(id, e.key);
      else this.#useComb(id, e.key);
    }
    return e.key;
  }

  /** Give the key a comb table (built now if it has none) and mark it most recently used. */
  #useComb(id: string, key: VerifyKey): void {
    if (key.comb !== null) {
      this.#combs.delete(id);
    } else {
      if (this.#combs.size >= this.limits.combMax) {
        const old = this.#combs.keys().next().value as string;
        this.#combs.delete(old);
        const oe = this.#entries.get(old);
        if (oe && oe.key) oe.key.comb = null;
      }
      key.comb = combTable(key.x, key.y);
    }
    this.#combs.set(id, true);
  }

  #promote(id: string, key: VerifyKey): void {
    if (this.#hot.length >= this.limits.hotMax) {
      const old = this.#hot.shift()!;
      const oe = this.#entries.get(old);
      if (oe && oe.key) {
        oe.key.table = null;
        oe.uses = 0;
      }
    }
    key.table = fixedWindowTable(key.x, key.y, WINDOW, windowsFor(WINDOW));
    key.window = WINDOW;
    this.#hot.push(id);
    if (key.comb !== null) {
      key.comb = null;
      this.#combs.delete(id);
    }
  }

  #evictOldest(): void {
    const first = this.#entries.keys().next();
    if (first.done) return;
    this.#entries.delete(first.value);
    this.#combs.delete(first.value);
    const i = this.#hot.indexOf(first.value);
    if (i >= 0) this.#hot.splice(i, 1);
  }

  /** How many keys are decoded, hold a fixed-window table, hold a comb table (counted on the keys themselves; for tests). */
  sizes(): { decoded: number; hot: number; comb: number } {
    let hot = 0;
    let comb = 0;
    for (const e of this.#entries.values()) {
      if (e.key?.table) hot++;
      if (e.key?.comb) comb++;
    }
    return { decoded: this.#entries.size, hot, comb };
  }

  clear(): void {
    this.#entries.clear();
    this.#combs.clear();
    this.#hot = [];
  }
}

/** k = SHA-512(R || A || M) mod L, rewritten by each pureEquation (sBminuskAProjective does not keep it). */
const kScratch = new Uint8Array(32);
/** SHA-512(R || A || M), rewritten by each pureEquation. */
const digestScratch = new Uint8Array(64);

/** R' = [S]B − [k]A for a signature whose S < L and whose key decodes; null otherwise. */
function pureEquation(keys: KeyCache, pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): Projective | null {
  if (pub.length !== 32 || sig.length !== 64) return null;
  const s = sig.subarray(32);
  if (!isReducedScalarAt(s, 0)) return null;
  const A = keys.get(pub);
  if (A === null) return null;
  return sBminuskAProjective(s, reduce512ModL(sha512Of3(sig, 0, 32, pub, msg, digestScratch), kScratch), A);
}

/** One (key, message, signature) triple; null stands for an item that fails the length check. */
export type SignatureTriple = { key: Uint8Array; msg: Uint8Array; sig: Uint8Array } | null;

/** A pure backend with its own key cache (`pureBackend` and `verifyAllPure` share the default one). */
export interface PureVerifier {
  backend: Ed25519Backend & { clearCache(): void };
  verifyAll(count: number, item: (i: number) => SignatureTriple): Uint8Array;
  cacheSizes(): { decoded: number; hot: number; comb: number };
}

/** How many R' verifyAll encodes with one field inversion (~265 multiplications, ~4 per verify at 64). */
const ENCODE_GROUP = 64;

export function createPureVerifier(limits: Readonly<PureCacheLimits> = PURE_CACHE_LIMITS): PureVerifier {
  const keys = new KeyCache(limits);
  return {
    backend: {
      name: 'pure',
      verifyRaw(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
        const R = pureEquation(keys, pub, msg, sig);
        return R !== null && bytesEqual(encode(R), sig.subarray(0, 32));
      },
      clearCache(): void {
        keys.clear();
      }
    },
    verifyAll(count: number, item: (i: number) => SignatureTriple): Uint8Array {
      const out = new Uint8Array(count);
      const at: number[] = [];
      const points: Projective[] = [];
      const rs: Uint8Array[] = [];
      // R' are encoded ENCODE_GROUP at a time (one inversion each), not all at the end of the batch:
      // held for a whole batch, they survived the young-generation GCs of its verifies and were
      // copied and promoted.
      const flush = (): void => {
        const enc = encodeAll(points);
        for (let j = 0; j < at.length; j++) if (bytesEqual(enc[j]!, rs[j]!)) out[at[j]!] = 1;
        at.length = 0;
        points.length = 0;
        rs.length = 0;
      };
      for (let i = 0; i < count; i++) {
        const t = item(i);
        if (t === null) continue;
        assertBytes(t.msg, 'message');
        if (precheck(t.key, t.sig) !== null) continue;
        const R = pureEquation(keys, t.key, t.msg, t.sig);
        if (R === null) continue;
        at.push(i);
        points.push(R);
        rs.push(t.sig.subarray(0, 32));
        if (points.length === ENCODE_GROUP) flush();
      }
      if (points.length > 0) flush();
      return out;
    },
    cacheSizes: () => keys.sizes()
  };
}

const defaultPure = createPureVerifier();

/**
 * Pure-JS cofactorless verify: R' = [S]B − [k]A computed and encoded, accepted iff it equals the
 * 32 bytes of R (as libsodium does). Rejects S ≥ L and keys that do not decode strictly.
 */
export const pureBackend: Ed25519Backend & { clearCache(): void } = defaultPure.backend;

/** The pure backend's table of B, built ahead of the first verify (edwards25519 prepareBaseTable). */
export { prepareBaseTable as preparePureBackend } from './edwards25519';

/**
 * `verify(pureBackend, …)` over many signatures at once, one verdict byte each (1 valid): the
 * same rule (precheck, then the equation), but the R' are encoded ENCODE_GROUP at a time with one
 * field inversion instead of one per signature (about a tenth of a pure verify, issue 7).
 */
export function verifyAllPure(count: number, item: (i: number) => SignatureTriple): Uint8Array {
  return defaultPure.verifyAll(count, item);
}

// RFC 8032 §7.1 TEST 1 (empty message), the known answer used to feature-detect backends.
const PROBE_PUB = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')!;
const PROBE_SIG = fromHex(
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b'
)!;

/**
 * Known-answer self-test: the RFC 8032 TEST 1 signature must verify and three tampered variants
 * (message, R, S) must not. Never throws; false means "do not use this backend".
 */
export async function probeBackend(backend: Ed25519Backend): Promise<boolean> {
  try {
    if ((await backend.verifyRaw(PROBE_PUB, new Uint8Array(0), PROBE_SIG)) !== true) return false;
    const badMsg = await backend.verifyRaw(PROBE_PUB, Uint8Array.of(0), PROBE_SIG);
    const r = PROBE_SIG.slice();
    r[0]! ^= 1;
    const s = PROBE_SIG.slice();
    s[40]! ^= 1;
    const badR = await backend.verifyRaw(PROBE_PUB, new Uint8Array(0), r);
    const badS = await backend.verifyRaw(PROBE_PUB, new Uint8Array(0), s);
    return badMsg === false && badR === false && badS === false;
  } catch {
    return false;
  }
}
