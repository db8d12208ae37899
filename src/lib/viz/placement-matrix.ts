// The fragment placement map (issue 5, Content page): a fragments × nodes matrix where a filled cell
// means "this node holds this fragment", coloured by the node's AEGIS status at the placement
// epoch. Columns are the nodes that hold at least one fragment, grouped by zone so that zone
// diversity is visible; rows are fragments in index order.

import type { IdentityStatus } from '../core/types';
import { STATUS_ORDER } from './palette';

export interface PlacedFragment {
  index: number;
  hash: string;
  nodes: readonly string[];
}

export interface NodeInfo {
  status: IdentityStatus;
  zone?: string | null;
}

export interface MatrixCell {
  row: number;
  col: number;
  fragment: number;
  node: string;
  status: IdentityStatus;
  x: number;
  y: number;
  size: number;
}

export interface MatrixColumn {
  node: string;
  zone: string | null;
  status: IdentityStatus;
  fragments: number[];
  x: number;
}

export interface MatrixRow {
  fragment: number;
  hash: string;
  /** Nodes holding it that are verified at the epoch. */
  liveHolders: number;
  y: number;
}

export interface LegendEntry {
  status: IdentityStatus;
  /** Cells (fragment copies) with this status. */
  cells: number;
  nodes: number;
}

export interface PlacementMatrix {
  rows: MatrixRow[];
  columns: MatrixColumn[];
  cells: MatrixCell[];
  legend: LegendEntry[];
  /** Fragments with at least one copy on a verified node. */
  liveFragments: number;
  width: number;
  height: number;
  cellSize: number;
  labelWidth: number;
  headerHeight: number;
}

export interface MatrixOptions {
  cellSize?: number;
  labelWidth?: number;
  headerHeight?: number;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function placementMatrix(
  fragments: readonly PlacedFragment[],
  nodeInfo: (node: string) => NodeInfo,
  opts: MatrixOptions = {}
): PlacementMatrix {
  const cellSize = opts.cellSize ?? 28;
  const labelWidth = opts.labelWidth ?? 44;
  const headerHeight = opts.headerHeight ?? 96;
  const rowsIn = [...fragments].sort((a, b) => a.index - b.index);
  for (let i = 1; i < rowsIn.length; i++) {
    if (rowsIn[i]!.index === rowsIn[i - 1]!.index) throw new RangeError(`fragment ${rowsIn[i]!.index} appears twice`);
  }
  const info = new Map<string, NodeInfo>();
  for (const f of rowsIn) for (const n of f.nodes) if (!info.has(n)) info.set(n, nodeInfo(n));
  const nodeIds = [...info.keys()].sort((a, b) => {
    const za = info.get(a)!.zone ?? '\uffff';
    const zb = info.get(b)!.zone ?? '\uffff';
    return compare(za, zb) || compare(a, b);
  });
  const col = new Map(nodeIds.map((n, i) => [n, i]));
  const columns: MatrixColumn[] = nodeIds.map((n, i) => ({
    node: n,
    zone: info.get(n)!.zone ?? null,
    status: info.get(n)!.status,
    fragments: [],
    x: labelWidth + i * cellSize
  }));
  const cells: MatrixCell[] = [];
  const rows: MatrixRow[] = rowsIn.map((f, r) => {
    const y = headerHeight + r * cellSize;
    let live = 0;
    for (const n of new Set(f.nodes)) {
      const c = col.get(n)!;
      const status = info.get(n)!.status;
      if (status === 'verified') live++;
      columns[c]!.fragments.push(f.index);
      cells.push({ row: r, col: c, fragment: f.index, node: n, status, x: labelWidth + c * cellSize, y, size: cellSize });
    }
    return { fragment: f.index, hash: f.hash, liveHolders: live, y };
  });
  const legend = STATUS_ORDER.map((status) => ({
    status,
    cells: cells.filter((c) => c.status === status).length,
    nodes: columns.filter((c) => c.status === status).length
  }));
  return {
    rows,
    columns,
    cells,
    legend,
    liveFragments: rows.filter((r) => r.liveHolders > 0).length,
    width: labelWidth + Math.max(1, nodeIds.length) * cellSize,
    height: headerHeight + Math.max(1, rowsIn.length) * cellSize,
    cellSize,
    labelWidth,
    headerHeight
  };
}
