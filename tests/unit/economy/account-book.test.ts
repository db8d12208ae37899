// The incremental state root (cached levels, insertions anywhere, prospective overrides) must
// always equal the RFC 9162 MTH recomputed from scratch over every account's canonical state.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalBytes } from '../../../src/lib/core/canonical-json';
import { toHex } from '../../../src/lib/core/bytes';
import { leafHash, rootFromLeafHashes } from '../../../src/lib/core/merkle';
import { AccountBook, stateJson, type AccountState } from '../../../src/lib/core/economy';

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
});
