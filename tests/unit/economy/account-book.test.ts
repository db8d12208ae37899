// The incremental state root (cached levels, insertions anywhere, prospective overrides) must
// always equal the RFC 9162 MTH recomputed from scratch over every account's canonical state.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AmountError } from '../../../src/lib/core/amount';
import { canonicalBytes } from '../../../src/lib/core/canonical-json';
import { toHex } from '../../../src/lib/core/bytes';
import { leafHash, rootFromLeafHashes } from '../../../src/lib/core/merkle';
import { AccountBook, stateJson, type AccountState } from '../../../src/lib/core/economy';
import { stateLeaf } from '../../../src/lib/core/economy/account-state';

function fullRoot(book: AccountBook, status: (id: string) => string, overrides?: Map<string, AccountState>): string {
  const leaves = book.ids().map((id) => leafHash(canonicalBytes(stateJson(id, overrides?.get(id) ?? book.get(id)!, id === 'treasury' ? 'treasury' : status(id)))));
  return toHex(rootFromLeafHashes(leaves));
}

describe('AccountBook state root', () => {
  it('equals the from-scratch MTH through random insertions, updates, status changes and prospective overrides', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('add' as const), id: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ t: fc.constant('credit' as const), id: fc.integer({ min: 0, max: 60 }), n: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ t: fc.constant('status' as const), id: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ t: fc.constant('prospect' as const), id: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ t: fc.constant('root' as const) })
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const book = new AccountBook();
        const revoked = new Set<string>();
        const status = (id: string): string => (revoked.has(id) ? 'revoked' : 'verified');
        const name = (i: number): string => (i === 0 ? 'treasury' : `u-${String(i * 7919 % 1000).padStart(6, '0')}`);
        let changed = new Set<string>();
        for (const o of ops) {
          if (o.t === 'add') book.ensure(name(o.id));
          else if (o.t === 'credit') book.credit(name(o.id), BigInt(o.n) * 10n ** 15n);
          else if (o.t === 'status') {
            const id = name(o.id);
            book.ensure(id);
            if (revoked.has(id)) revoked.delete(id);
            else revoked.add(id);
            changed.add(id);
          } else if (o.t === 'prospect') {
            const id = name(o.id);
            const cur = book.ensure(id);
            const over = new Map([[id, { ...cur, rewards: cur.rewards + 1, lastActive: 9 }]]);
            expect(book.root(status, changed, over)).toBe(fullRoot(book, status, over));
          } else {
            expect(book.root(status, changed)).toBe(fullRoot(book, status));
            changed = new Set();
          }
        }
        expect(book.root(status, changed)).toBe(fullRoot(book, status));
      }),
      { numRuns: 300 }
    );
  });
  it('equals the from-scratch MTH over closes as the replay makes them: batches of new ids anywhere, a prospective root, its commit', () => {
    // Deeper trees than above (up to ~700 leaves): new ids appended or inserted before others in
    // batches, so that several levels grow and shift between two roots.
    const close = fc.record({
      added: fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 120 }),
      active: fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 60 }),
      flipped: fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 5 }),
      // Commit the prospective states (as the close does), none, or other states than the hashed ones.
      commit: fc.constantFrom('prospective', 'none', 'other')
    });
    fc.assert(
      fc.property(fc.array(close, { minLength: 1, maxLength: 12 }), (closes) => {
        const book = new AccountBook();
        const revoked = new Set<string>();
        const status = (id: string): string => (revoked.has(id) ? 'revoked' : 'verified');
        const name = (i: number): string => `u-${String(i).padStart(6, '0')}`;
        let epoch = 0;
        for (const c of closes) {
          epoch++;
          for (const i of c.added) book.ensure(name(i));
          const ids = book.ids();
          const changed = new Set<string>();
          for (const i of c.flipped) {
            const id = ids[i % ids.length];
            if (!id) continue;
            if (revoked.has(id)) revoked.delete(id);
            else revoked.add(id);
            changed.add(id);
          }
          const over = new Map<string, AccountState>();
          for (const i of c.active) {
            const id = ids[i % ids.length];
            if (!id) continue;
            const cur = book.get(id)!;
            over.set(id, { ...cur, streak: cur.lastActive === epoch - 1 ? cur.streak + 1 : 1, lastActive: epoch, rewards: cur.rewards + (i % 2), balance: cur.balance + BigInt(i) });
          }
          expect(book.root(status, changed, over)).toBe(fullRoot(book, status, over));
          if (c.commit === 'prospective') for (const [id, s] of over) book.set(id, s);
          else if (c.commit === 'other') for (const [id, s] of over) book.set(id, { ...s, published: s.published + 1 });
        }
        expect(book.root(status, [])).toBe(fullRoot(book, status));
      }),
      { numRuns: 150 }
    );
  });
});

describe('AccountBook position hints', () => {
  // locate() positions passed back to root() and set() (the close passes them from prospective()):
  // a hint is used only while it still holds its account, so stale hints (insertions before them
  // since) and wrong ones give exactly what no hints give.
  it('root() and set() with stale or wrong hints equal a book without hints', () => {
    const close = fc.record({
      active: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 40 }),
      added: fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 30 }),
      wrong: fc.array(fc.integer({ min: -2, max: 400 }), { maxLength: 10 }),
      commit: fc.boolean()
    });
    fc.assert(
      fc.property(fc.array(close, { minLength: 1, maxLength: 10 }), (closes) => {
        const plain = new AccountBook();
        const hinted = new AccountBook();
        const status = (): string => 'verified';
        const name = (i: number): string => `u-${String((i * 7919) % 1000).padStart(6, '0')}`;
        let epoch = 0;
        for (const c of closes) {
          epoch++;
          const over = new Map<string, AccountState>();
          const hints: number[] = [];
          for (const i of c.active) {
            const id = name(i);
            if (over.has(id)) continue;
            plain.ensure(id);
            const pos = hinted.locate(id);
            hints.push(pos);
            const cur = hinted.stateAt(pos);
            expect(cur).toEqual(plain.get(id));
            over.set(id, { ...cur, streak: hinted.streakIfActive(id, epoch), lastActive: epoch, rewards: cur.rewards + 1, balance: cur.balance + BigInt(i) });
          }
          // Insertions after the positions were taken (ids before others: stale hints), and wrong hints.
          for (const i of c.added) {
            plain.ensure(name(i));
            hinted.ensure(name(i));
          }
          c.wrong.forEach((w, j) => {
            if (hints.length > 0) hints[j % hints.length] = w;
          });
          expect(hinted.root(status, [], over, hints)).toBe(plain.root(status, [], over));
          if (c.commit) {
            let k = 0;
            for (const [id, s] of over) {
              plain.set(id, s);
              hinted.set(id, s, hints[k++]);
            }
          }
          expect([...hinted.ids()]).toEqual([...plain.ids()]);
          for (const id of plain.ids()) expect(hinted.get(id)).toEqual(plain.get(id));
        }
        expect(hinted.root(status, [])).toBe(plain.root(status, []));
      }),
      { numRuns: 200 }
    );
  });

  it('streakIfActive(a, e) is the committed streak + 1 when a was last active at e − 1, else 1', () => {
    const num = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer(), fc.constantFrom(-0, -0x80000000, 0x7fffffff, 2 ** 31, 2 ** 53, 0.5, Number.NaN), fc.double());
    fc.assert(
      fc.property(fc.array(fc.record({ id: fc.integer({ min: 0, max: 20 }), streak: num, lastActive: fc.option(num) }), { maxLength: 30 }), fc.integer({ min: -3, max: 25 }), (sets, e) => {
        const book = new AccountBook();
        const name = (i: number): string => `u-${String((i * 7919) % 1000).padStart(6, '0')}`;
        for (const x of sets) book.set(name(x.id), { balance: 0n, rewards: 0, streak: x.streak, lastActive: x.lastActive ?? null, published: 0 });
        for (let i = 0; i <= 21; i++) {
          const s = book.get(name(i));
          for (const at of [e, s?.lastActive === null || s === undefined ? e : s.lastActive + 1]) {
            expect(book.streakIfActive(name(i), at)).toBe(s && s.lastActive === at - 1 ? s.streak + 1 : 1);
          }
        }
      }),
      { numRuns: 300 }
    );
  });
});

describe('AccountBook committed states', () => {
  // The book keeps committed states in columns, with any state that does not fit kept whole: every
  // value must come back exactly (Object.is: −0, fractions, huge numbers, the null marker's value),
  // through insertions before it, credits and re-commits.
  const num = fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer(), fc.constantFrom(-0, -0x80000000, 0x7fffffff, 2 ** 31, 2 ** 53, 0.5, Number.NaN, -Infinity), fc.double());
  const state = fc.record({ balance: fc.bigInt({ min: -5n, max: 10n ** 30n }), rewards: num, streak: num, lastActive: fc.option(num), published: num });
  const same = (a: AccountState | undefined, b: AccountState): boolean =>
    a !== undefined && a.balance === b.balance && Object.is(a.rewards, b.rewards) && Object.is(a.streak, b.streak) && Object.is(a.lastActive, b.lastActive) && Object.is(a.published, b.published);

  it('gives back every committed state exactly, through insertions, credits and re-commits', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('set' as const), id: fc.integer({ min: 0, max: 40 }), s: state }),
      fc.record({ t: fc.constant('add' as const), id: fc.integer({ min: 0, max: 40 }) }),
      fc.record({ t: fc.constant('credit' as const), id: fc.integer({ min: 0, max: 40 }), n: fc.bigInt({ min: 1n, max: 10n ** 20n }) })
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const book = new AccountBook();
        const model = new Map<string, AccountState>();
        // Ids in a scattered order, so that most additions insert before existing ones.
        const name = (i: number): string => `u-${String((i * 7919) % 1000).padStart(6, '0')}`;
        for (const o of ops) {
          const id = name(o.id);
          if (o.t === 'set') {
            const s = { ...o.s, lastActive: o.s.lastActive ?? null };
            book.set(id, s);
            model.set(id, { ...s });
          } else if (o.t === 'add') {
            book.ensure(id);
            if (!model.has(id)) model.set(id, { balance: 0n, rewards: 0, streak: 0, lastActive: null, published: 0 });
          } else {
            const m = model.get(id) ?? { balance: 0n, rewards: 0, streak: 0, lastActive: null, published: 0 };
            if (m.balance + o.n < 0n) {
              // Checked arithmetic (amount.ts add): a credit that leaves a (committed) negative
              // balance negative is refused, and the state stays as it was.
              expect(() => book.credit(id, o.n)).toThrow(AmountError);
            } else {
              book.credit(id, o.n);
              model.set(id, { ...m, balance: m.balance + o.n });
            }
          }
          for (const [a, s] of model) expect(same(book.get(a), s)).toBe(true);
        }
        expect([...book.ids()]).toEqual([...model.keys()].sort());
        // A state read from the book is a copy: changing it changes nothing in the book.
        for (const [a, s] of model) {
          const got = book.get(a)!;
          got.balance += 1n;
          got.rewards = 12345;
          expect(same(book.get(a), s)).toBe(true);
        }
      }),
      {
        numRuns: 400,
        // Found by a CI run: a committed negative balance, then a credit that leaves it negative.
        examples: [[[{ t: 'set', id: 7, s: { balance: -2n, rewards: 0, streak: 0, lastActive: null, published: 0 } }, { t: 'credit', id: 7, n: 1n }]]]
      }
    );
  });
});

describe('stateLeaf', () => {
  // The reference: the leaf as §10.6 defines it, through the generic canonical encoder.
  const reference = (id: string, s: AccountState, status: string): string => toHex(leafHash(canonicalBytes(stateJson(id, s, status))));
  const outcome = (f: () => Uint8Array): string => {
    try {
      return toHex(f());
    } catch (e) {
      return `${(e as Error).name}: ${(e as Error).message}`;
    }
  };
  const num = fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer(), fc.constantFrom(-0, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 0.5, Number.NaN, Infinity), fc.double());
  const account = fc.oneof(fc.constantFrom('treasury', 'u-000001', 'a"b', 'back\\slash', 'tab\there', 'é', '\u{1F600}', '\ud800', 'x\udc00', ''), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ maxLength: 700 }));
  const balance = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.constantFrom(0n, -1n, 2n ** 128n - 1n, 2n ** 128n, 2n ** 200n));

  it('equals SHA-256(0x00 ‖ canonical(stateJson)) for every state, and fails the same way when that fails', () => {
    fc.assert(
      fc.property(account, balance, num, num, num, fc.option(num), fc.constantFrom('treasury', 'verified', 'revoked', 'expired', 'pending', 'unknown', 'we"ird'), (id, bal, rewards, streak, published, lastActive, status) => {
        const s: AccountState = { balance: bal, rewards, streak, published, lastActive: lastActive ?? null };
        expect(outcome(() => stateLeaf(id, s, status))).toBe(outcome(() => leafHash(canonicalBytes(stateJson(id, s, status)))));
      }),
      { numRuns: 3000 }
    );
    expect(toHex(stateLeaf('u-000001', { balance: 10n ** 18n, rewards: 1, streak: 2, published: 0, lastActive: 3 }, 'verified'))).toBe(reference('u-000001', { balance: 10n ** 18n, rewards: 1, streak: 2, published: 0, lastActive: 3 }, 'verified'));
  });
});

describe('AccountBook kept by subject index', () => {
  // The replay's book finds an attested account by its AEGIS subject index (IdentityView
  // subjectIndex) and any other id (the treasury, an account met before its attestation) by a
  // map. Subjects attested at random moments, before or after the book met them, in scattered id
  // order (insertions before known ids: stale positions): every answer must be a plain book's.
  it('answers exactly as a book keyed by id alone', () => {
    const op = fc.oneof(
      fc.record({ t: fc.constant('attest' as const), id: fc.integer({ min: 0, max: 80 }) }),
      fc.record({ t: fc.constant('add' as const), id: fc.integer({ min: 0, max: 80 }) }),
      fc.record({ t: fc.constant('credit' as const), id: fc.integer({ min: 0, max: 80 }), n: fc.integer({ min: 1, max: 1000 }) }),
      fc.record({ t: fc.constant('set' as const), id: fc.integer({ min: 0, max: 80 }), streak: fc.integer({ min: 0, max: 9 }), last: fc.integer({ min: 0, max: 9 }) }),
      fc.record({ t: fc.constant('locate' as const), id: fc.integer({ min: 0, max: 80 }) }),
      fc.record({ t: fc.constant('root' as const), over: fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 6 }) })
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const subjects = new Map<string, number>();
        const plain = new AccountBook();
        const keyed = new AccountBook((id) => subjects.get(id) ?? -1);
        const status = (): string => 'verified';
        const name = (i: number): string => (i === 0 ? 'treasury' : `u-${String((i * 7919) % 1000).padStart(6, '0')}`);
        for (const o of ops) {
          const id = o.t === 'root' ? '' : name(o.id);
          if (o.t === 'attest') {
            if (o.id !== 0 && !subjects.has(id)) subjects.set(id, subjects.size);
          } else if (o.t === 'add') expect(keyed.ensure(id)).toEqual(plain.ensure(id));
          else if (o.t === 'credit') {
            plain.credit(id, BigInt(o.n));
            keyed.credit(id, BigInt(o.n));
          } else if (o.t === 'set') {
            const s = { balance: 5n, rewards: 1, streak: o.streak, lastActive: o.last, published: 0 };
            plain.set(id, s);
            keyed.set(id, s);
          } else if (o.t === 'locate') expect(keyed.locate(id)).toBe(plain.locate(id));
          else {
            const over = new Map<string, AccountState>();
            for (const i of o.over) if (plain.get(name(i))) over.set(name(i), { ...plain.get(name(i))!, rewards: 7, lastActive: 3 });
            expect(keyed.root(status, [], over)).toBe(plain.root(status, [], over));
          }
          for (let i = 0; i <= 80; i += 7) {
            expect(keyed.get(name(i))).toEqual(plain.get(name(i)));
            expect(keyed.streakIfActive(name(i), 4)).toBe(plain.streakIfActive(name(i), 4));
          }
        }
        expect([...keyed.ids()]).toEqual([...plain.ids()]);
        for (const id of plain.ids()) expect(keyed.get(id)).toEqual(plain.get(id));
        expect(keyed.root(status, [])).toBe(plain.root(status, []));
      }),
      { numRuns: 300 }
    );
  });
});
