// The app's verification state (STYLE.md 11): one rune class, one shared instance. Worker results
// live in $state.raw (replaced, never mutated), views are $derived, internals are #private.
// Pages read from it; a page opened directly by URL calls `ensureLoaded(page.url)`, which loads
// the current source (the demo by default, or `?bundle=URL`) unless it is already loaded.
import { browser } from '$app/environment';
import { resolve } from '$app/paths';
import type { ResolvedPathname } from '$app/types';
import { VerifierClient } from '$lib/worker/client';
import type { VerifierApi } from '$lib/worker/verifier.worker';
import type { LoadResult, SourceSpec } from '$lib/worker/protocol';
import type { CacheUsage } from '$lib/cache/store';
import type { WorkerProgress } from '$lib/worker/progress-meter';
import { progressView } from './progress';

export type Phase = 'idle' | 'loading' | LoadResult['status'];
type QueryName = Exclude<keyof VerifierApi, 'load' | 'cancel'>;

/** A stable key for a source, to know whether it is already loaded. */
export function sourceKey(s: SourceSpec): string {
  if (s.kind === 'demo') return 'demo';
  if (s.kind === 'url') return `url:${s.url}`;
  return `files:${s.files.map((f) => `${f.webkitRelativePath || f.name}:${f.size}`).join('|')}`;
}

/** The source a URL asks for: `?bundle=` (http/https only) or the demo. */
export function sourceFromUrl(url: URL): SourceSpec | { error: string } {
  const b = url.searchParams.get('bundle');
  if (b === null || b === '') return { kind: 'demo' };
  // A local value, never reactive state.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  const u = URL.canParse(b, url) ? new URL(b, url) : null;
  if (!u) return { error: `"${b}" is not a valid bundle URL` };
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { error: `bundle URLs must be http(s); got ${u.protocol}` };
  return { kind: 'url', url: u.href };
}

export class VerifierState {
  phase = $state<Phase>('idle');
  source = $state.raw<SourceSpec>({ kind: 'demo' });
  progress = $state.raw<WorkerProgress | null>(null);
  result = $state.raw<LoadResult | null>(null);
  /** A user-supplied trust policy (parsed JSON) and its file name; null = the pinned demo trust. */
  userTrust = $state.raw<{ name: string; value: unknown } | null>(null);
  /** Audit mode records every failure instead of stopping at the first. */
  auditMode = $state(true);
  /** What this browser's cached bundle files take (after the last load, or after clearing them). */
  cacheUsage = $state.raw<CacheUsage | null>(null);
  /** A problem with the request itself (bad ?bundle= URL), shown instead of loading. */
  requestError = $state<string | null>(null);

  readonly report = $derived(this.result?.report ?? null);
  readonly failures = $derived(this.report?.failures ?? []);
  readonly progressView = $derived(this.progress ? progressView(this.progress) : null);
  readonly busy = $derived(this.phase === 'loading');
  readonly ready = $derived(this.phase === 'verified' || this.phase === 'failed');
  /** `?bundle=` value to carry on links, or null for the demo / local files. */
  readonly bundleParam = $derived(this.source.kind === 'url' ? this.source.url : null);

  #client: VerifierClient | null = null;
  #loadedKey: string | null = null;
  #loading: Promise<void> | null = null;
  #abort: AbortController | null = null;

  get #worker(): VerifierClient {
    this.#client ??= new VerifierClient();
    return this.#client;
  }

  /** Load the source named by a page URL unless it is the one already loaded (or loading). */
  ensureLoaded(url: URL): Promise<void> {
    if (!browser) return Promise.resolve();
    const wanted = sourceFromUrl(url);
    if ('error' in wanted) {
      this.requestError = wanted.error;
      return Promise.resolve();
    }
    this.requestError = null;
    // A page without ?bundle= keeps whatever is loaded (local files, a URL chosen on the overview).
    if (wanted.kind === 'demo' && this.#loadedKey !== null) return this.#loading ?? Promise.resolve();
    if (sourceKey(wanted) === this.#loadedKey) return this.#loading ?? Promise.resolve();
    return this.load(wanted);
  }

  /**
   * Load and verify `source`; supersedes a load in progress. With `recheckSignatures`, signatures this
   * build found valid on an earlier visit are checked again too (LoadOptions.recheckSignatures).
   */
  load(source: SourceSpec, { recheckSignatures = false }: { recheckSignatures?: boolean } = {}): Promise<void> {
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    this.source = source;
    this.#loadedKey = sourceKey(source);
    this.phase = 'loading';
    this.progress = null;
    this.result = null;
    // The app's root as an absolute URL (resolve('/') is relative on prerendered pages and
    // root-relative on the SPA fallback; document.baseURI would be the deep link's own folder).
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a one-off value, not reactive state
    const base = browser ? new URL(resolve('/'), location.href).href : undefined;
    const opts = { trust: this.userTrust?.value, audit: this.auditMode, base, recheckSignatures };
    const run = this.#worker
      .load(source, opts, (p) => (this.progress = p), abort.signal)
      .then((r) => {
        if (abort.signal.aborted && r.status !== 'cancelled') return;
        if (this.#abort !== abort) return;
        this.result = r;
        this.phase = r.status;
        if (r.cache.status === 'ok' && r.cache.usage) this.cacheUsage = r.cache.usage;
        if (r.status === 'cancelled' || r.status === 'error') this.#loadedKey = null;
      });
    this.#loading = run;
    return run;
  }

  /** Stop the running verification (terminates the worker; nothing partial is shown as verified). */
  cancel(): void {
    if (this.phase !== 'loading') return;
    this.#abort?.abort();
    this.#loadedKey = null;
    this.phase = 'cancelled';
    this.result = { status: 'cancelled', message: 'Verification was cancelled.', report: null, cache: { status: 'ok' }, anchor: null, drift: null };
  }

  /**
   * After a rollback or fork alarm, by the user's explicit choice: forget the checkpoint this browser
   * remembers for `origin`, then verify the current source again (whose newest checkpoint is then
   * remembered as a first visit). Returns an error message, or null.
   */
  async forgetCheckpoint(origin: string): Promise<string | null> {
    if (!browser) return null;
    const r = await this.#worker.query('forget', 'forgetCheckpoint', origin);
    if (!r) return 'superseded';
    if (!r.ok) return r.error;
    await this.reload();
    return null;
  }

  /**
   * Delete this browser's cached bundle files (not its checkpoint memory); the loaded bundle stays
   * loaded. Returns an error message, or null.
   */
  async clearCachedFiles(): Promise<string | null> {
    if (!browser || this.busy) return null;
    const r = await this.#worker.query('cache', 'clearCachedFiles');
    if (!r) return 'superseded';
    if (!r.ok) return r.error;
    this.cacheUsage = r.value;
    return null;
  }

  /** Verify the same source again (e.g. after choosing a trust file). */
  reload(options: { recheckSignatures?: boolean } = {}): Promise<void> {
    return this.load(this.source, options);
  }

  /**
   * Ask the worker something about the loaded bundle, after the current load finishes. Same-slot
   * queries are latest-wins (a superseded one resolves null). Null also when nothing is loaded.
   */
  async ask<K extends QueryName>(slot: string, name: K, ...args: Parameters<VerifierApi[K]>): Promise<Awaited<ReturnType<VerifierApi[K]>> | null> {
    if (!browser) return null;
    if (this.#loading) await this.#loading;
    if (!this.ready) return null;
    return (await this.#worker.query(slot, name, ...args)) as Awaited<ReturnType<VerifierApi[K]>> | null;
  }

  /** Verify QFS artifacts (files, or one URL the user chose); independent of the loaded bundle. */
  verifyQfs(input: File[] | string) {
    if (!browser) return Promise.resolve(null);
    return typeof input === 'string' ? this.#worker.query('qfs', 'verifyQfsUrl', input) : this.#worker.query('qfs', 'verifyQfs', input);
  }

  /** An in-app link that keeps the `?bundle=` deep link. `path` is already resolved. */
  href(path: string): ResolvedPathname {
    const b = this.bundleParam;
    return (b ? `${path}${path.includes('?') ? '&' : '?'}bundle=${encodeURIComponent(b)}` : path) as ResolvedPathname;
  }
}

export const verifier = new VerifierState();
