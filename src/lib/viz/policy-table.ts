// A policy document as rows a person can read (path → value), grouped by section. Pure data
// preparation for the /policy/[version]/ page (the field diff between versions comes from the
// worker's audit(), worker/policy-diff.ts); the document is untrusted bundle content, so every
// value becomes a string rendered as text.

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface PolicyRow {
  /** Dotted path, e.g. "reward.signalWeights.like"; array items as "list[2]". */
  path: string;
  /** The top-level section ("reward", "ranking", ...), for grouping. */
  section: string;
  value: string;
}

/** Code-point order, the order canonical JSON uses (BUNDLE_FORMAT.md §2). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function scalar(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v;
  return String(v);
}

/** Flatten to leaf rows in canonical key order. Empty objects and arrays are leaves ("{}", "[]"). */
export function policyRows(doc: JsonValue, maxRows = 10_000): PolicyRow[] {
  const rows: PolicyRow[] = [];
  const walk = (v: JsonValue, path: string, depth: number) => {
    if (rows.length >= maxRows) throw new RangeError(`policy has more than ${maxRows} fields`);
    if (depth > 32) throw new RangeError('policy is nested deeper than 32 levels');
    const section = path.split(/[.[]/)[0] ?? path;
    if (Array.isArray(v)) {
      if (v.length === 0) rows.push({ path, section, value: '[]' });
      v.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v).sort(byCodePoint);
      if (keys.length === 0 && path) rows.push({ path, section, value: '{}' });
      for (const k of keys) walk(v[k]!, path ? `${path}.${k}` : k, depth + 1);
    } else {
      rows.push({ path: path || '(document)', section: section || '(document)', value: scalar(v) });
    }
  };
  walk(doc, '', 0);
  return rows;
}

/** Rows grouped by section, sections in first-appearance order. */
export function groupRows<T extends { section: string }>(rows: readonly T[]): Array<{ section: string; rows: T[] }> {
  const groups = new Map<string, T[]>();
  for (const r of rows) {
    const g = groups.get(r.section);
    if (g) g.push(r);
    else groups.set(r.section, [r]);
  }
  return [...groups].map(([section, rows]) => ({ section, rows }));
}
