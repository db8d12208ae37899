import { describe, expect, it } from 'vitest';
import type { IdentityStatus } from '../../../src/lib/core/types';
import { placementMatrix } from '../../../src/lib/viz/placement-matrix';
import { STATUS_STYLES, STATUS_ORDER } from '../../../src/lib/viz/palette';

const nodes: Record<string, { status: IdentityStatus; zone: string }> = {
  'node-b': { status: 'verified', zone: 'eu' },
  'node-a': { status: 'revoked', zone: 'us' },
  'node-c': { status: 'verified', zone: 'ap' },
  'node-d': { status: 'expired', zone: 'eu' }
};
const info = (n: string) => nodes[n] ?? { status: 'unknown' as const, zone: null };

describe('placement matrix', () => {
  const frags = [
    { index: 2, hash: 'cc', nodes: ['node-a'] },
    { index: 0, hash: 'aa', nodes: ['node-b', 'node-c'] },
    { index: 1, hash: 'bb', nodes: ['node-d', 'node-x'] }
  ];
  const m = placementMatrix(frags, info, { cellSize: 20, labelWidth: 30, headerHeight: 50 });

  it('orders rows by fragment index and columns by zone then node id', () => {
    expect(m.rows.map((r) => r.fragment)).toEqual([0, 1, 2]);
    expect(m.columns.map((c) => c.node)).toEqual(['node-c', 'node-b', 'node-d', 'node-a', 'node-x']);
    expect(m.columns.at(-1)!.zone).toBeNull();
  });

  it('one cell per (fragment, node) with the node status at that epoch', () => {
    expect(m.cells).toHaveLength(5);
    const cell = m.cells.find((c) => c.fragment === 2)!;
    expect(cell.node).toBe('node-a');
    expect(cell.status).toBe('revoked');
    expect(cell.x).toBe(30 + 3 * 20);
    expect(cell.y).toBe(50 + 2 * 20);
    expect(m.cells.find((c) => c.node === 'node-x')!.status).toBe('unknown');
  });

  it('counts live holders and live fragments from verified nodes only', () => {
    expect(m.rows.map((r) => r.liveHolders)).toEqual([2, 0, 0]);
    expect(m.liveFragments).toBe(1);
  });

  it('legend counts cells and nodes per status, in the fixed order', () => {
    expect(m.legend.map((l) => l.status)).toEqual(STATUS_ORDER);
    const byStatus = Object.fromEntries(m.legend.map((l) => [l.status, l]));
    expect(byStatus.verified).toEqual({ status: 'verified', cells: 2, nodes: 2 });
    expect(byStatus.revoked!.cells).toBe(1);
    expect(byStatus.unknown!.nodes).toBe(1);
    expect(m.legend.reduce((s, l) => s + l.cells, 0)).toBe(m.cells.length);
  });

  it('sizes the drawing from the grid', () => {
    expect(m.width).toBe(30 + 5 * 20);
    expect(m.height).toBe(50 + 3 * 20);
  });

  it('rejects duplicated fragment indexes', () => {
    expect(() => placementMatrix([{ index: 0, hash: 'a', nodes: [] }, { index: 0, hash: 'b', nodes: [] }], info)).toThrow(RangeError);
  });

  it('every status has a distinct colour and glyph', () => {
    const colours = new Set(STATUS_ORDER.map((s) => STATUS_STYLES[s].colour));
    const glyphs = new Set(STATUS_ORDER.map((s) => STATUS_STYLES[s].glyph));
    expect(colours.size).toBe(STATUS_ORDER.length);
    expect(glyphs.size).toBe(STATUS_ORDER.length);
  });
});
