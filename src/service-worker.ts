/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Offline support (issue 5 "keeps working offline after the first visit"): precache the app shell
// (every built asset and prerendered page) and the static files, which include the demo bundle
// under demo/. Same-origin GETs of precached files are served cache-first (they are versioned by
// the build); navigations go to the network and fall back to the cached page or the SPA shell.
// Requests to other origins (a bundle URL the user chose) are never touched or cached here: the
// verifier's own IndexedDB cache handles those, by content hash.
import { build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `atlas-${version}`;
const scope = new URL(sw.registration.scope);
const ASSETS = [...build, ...files, ...prerendered];
const precached = new Set(ASSETS.map((p) => new URL(p, scope).pathname));

/**
 * Vite bundles Web Workers separately and SvelteKit's `build` list does not name them, so find
 * them: every cached script that starts a worker names its file ("…/workers/<name>.js"). Repeat
 * for nested workers (the verifier starts signature workers) until nothing new turns up.
 */
async function precacheWorkers(cache: Cache): Promise<void> {
  const seen = new Set<string>();
  let scan = ASSETS.filter((p) => p.endsWith('.js'));
  while (scan.length > 0) {
    const found: string[] = [];
    for (const path of scan) {
      const res = await cache.match(path);
      const text = res ? await res.text() : '';
      for (const m of text.matchAll(/workers\/([A-Za-z0-9._-]+\.js)/g)) {
        const url = new URL(`_app/immutable/workers/${m[1]}`, scope).pathname;
        if (!seen.has(url)) {
          seen.add(url);
          found.push(url);
        }
      }
    }
    await cache.addAll(found);
    for (const f of found) precached.add(f);
    scan = found;
  }
}

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(async (cache) => {
        await cache.addAll(ASSETS);
        await precacheWorkers(cache);
        // The SPA shell (adapter-static's fallback, written after this list is made): a page of a
        // dynamic route (/content/<cid>/, /account/<id>/, …) opened offline is this shell, not
        // the browser's network error page. Missing in `vite dev`, which needs no shell.
        await cache.add(new URL('404.html', scope)).catch(() => undefined);
      })
      .then(() => sw.skipWaiting())
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('atlas-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim())
  );
});

/** The cached document for a navigation: the prerendered page, or the SPA fallback shell. */
async function cachedPage(cache: Cache, url: URL): Promise<Response | undefined> {
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return (
    (await cache.match(new URL(path, scope))) ??
    (await cache.match(new URL(`${path}index.html`, scope))) ??
    (await cache.match(new URL('404.html', scope))) ??
    undefined
  );
}

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== scope.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        try {
          const res = await fetch(req);
          if (res.ok || res.status === 404) return res;
          return (await cachedPage(cache, url)) ?? res;
        } catch {
          return (await cachedPage(cache, url)) ?? Response.error();
        }
      })()
    );
    return;
  }
  // Immutable build output (hashed names, workers included) and precached static files.
  if (!precached.has(url.pathname) && !url.pathname.startsWith(new URL('_app/immutable/', scope).pathname)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(url.pathname);
      if (hit) return hit;
      const res = await fetch(req);
      if (res.ok && url.pathname.includes('/_app/immutable/')) await cache.put(url.pathname, res.clone());
      return res;
    })()
  );
});
