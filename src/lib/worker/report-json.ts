// Deterministic JSON for exported reports: object keys sorted by code point, `undefined` dropped,
// bigint as decimal strings, two-space indentation, trailing newline. The same bundle gives the
// same bytes: nothing time- or machine-dependent goes in (STYLE.md 16).
import { compareCodePoints } from '$lib/core/canonical-json';

function normalise(v: unknown, depth: number): unknown {
  if (depth > 64) throw new RangeError('stableJson: nesting deeper than 64');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError('stableJson: non-finite number');
    return v;
  }
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) throw new TypeError('stableJson: bytes must be hex-encoded before export');
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : normalise(x, depth + 1)));
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort(compareCodePoints)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined && typeof x !== 'function') out[k] = normalise(x, depth + 1);
    }
    return out;
  }
  throw new TypeError(`stableJson: cannot export a ${typeof v}`);
}

export function stableJson(value: unknown): string {
  return JSON.stringify(normalise(value, 0), null, 2) + '\n';
}
