// Links between the Explain-This pages. Ids from bundles are URL-encoded as path segments (resolve()
// inserts parameters raw); the trailing slash matches trailingSlash = 'always'; the ?bundle= deep
// link is carried by the shared state's href().
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import { verifier } from '$lib/state/verifier.svelte';

function withQuery(path: string, query: Record<string, string | number | null | undefined>): ResolvedPathname {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return verifier.href(parts.length ? `${path}?${parts.join('&')}` : path) as ResolvedPathname;
}

export function accountHref(id: string, epoch?: number | null): ResolvedPathname {
  return withQuery(`${resolve('/account/[id]', { id: encodeURIComponent(id) })}/`, { epoch });
}

export function proofHref(seq: number): ResolvedPathname {
  return withQuery(`${resolve('/proof/[seq]', { seq: String(seq) })}/`, {});
}

export function contentHref(cid: string, epoch?: number | null): ResolvedPathname {
  return withQuery(`${resolve('/content/[cid]', { cid: encodeURIComponent(cid) })}/`, { epoch });
}

export function policyHref(version: string): ResolvedPathname {
  return withQuery(`${resolve('/policy/[version]', { version: encodeURIComponent(version) })}/`, {});
}
