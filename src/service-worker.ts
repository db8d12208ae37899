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

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(ASSETS))
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
  if (!precached.has(url.pathname)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      const hit = await cache.match(url.pathname);
      if (hit) return hit;
      return fetch(req);
    })()
  );
});
