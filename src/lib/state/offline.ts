// Registers the service worker (src/service-worker.ts) once the first verification has settled,
// instead of at page start as SvelteKit does by default (svelte.config.js: register: false).
// Installing it precaches every asset and the whole demo bundle: on a first visit that download
// and its cache writes ran at the same time as the verification, on the same two cores, and
// fetched the same demo files twice (issue 7: ~0.4 s of service-worker CPU in the renderer alone,
// plus the network process). After the first visit it is installed and nothing here runs again.
// A verification that takes very long (a large bundle) does not hold it back for ever.
import { dev } from '$app/environment';
import { resolve } from '$app/paths';

/** Register at most this long after the page started, even if the verification is still running. */
export const REGISTER_AT_LATEST_MS = 30_000;

let registered = false;

/** Register the service worker (idempotent; a no-op where the browser has none). */
export function registerServiceWorker(): void {
  if (registered || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  registered = true;
  // In dev, Vite serves the service worker as a module; the build emits a classic script.
  navigator.serviceWorker.register(`${resolve('/')}service-worker.js`, { type: dev ? 'module' : 'classic' }).catch(() => {
    // Offline support is a convenience: without it the app still verifies online.
    registered = false;
  });
}
