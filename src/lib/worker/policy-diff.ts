// What changed between two policy documents, field by field (the audit page's policy timeline).
// Paths use dots and [i]; values are shown as canonical-ish JSON text. Pure.
import type { Json } from '$lib/core/canonical-json';

export interface FieldChange {
  path: string;
  kind: 'added' | 'removed' | 'changed';
  before: string | null;
  after: string | null;
}

const show = (v: Json | undefined): string | null => (v === undefined ? null : JSON.stringify(v));
const isObj = (v: Json | undefined): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

export function diffPolicies(before: Json, after: Json, limit = 500): FieldChange[] {
  const out: FieldChange[] = [];
  const walk = (a: Json | undefined, b: Json | undefined, path: string): void => {
    if (out.length >= limit) return;
    if (isObj(a) && isObj(b)) {
      const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
      for (const k of keys) walk(a[k], b[k], path ? `${path}.${k}` : k);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((x, i) => walk(x, b[i], `${path}[${i}]`));
      return;
    }
    const sa = show(a);
    const sb = show(b);
    if (sa === sb) return;
    out.push({ path: path || '(document)', kind: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed', before: sa, after: sb });
  };
  walk(before, after, '');
  return out;
}
