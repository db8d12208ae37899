import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'build', assets: 'build', fallback: '404.html', strict: true }),
    paths: { relative: true },
    // Registered by the app once the first verification has settled (src/lib/state/offline.ts).
    serviceWorker: { register: false },
    // One JS file (and one CSS file) for the whole app instead of ~35 chunks: a first visit makes ~30
    // fewer requests, each of which cost the browser and network processes CPU on the same two cores
    // as the verification (issue 7, session 10: the app's first visit to "Verified", 14 alternating
    // pairs, median 1.31-1.42 s against 1.42-1.61 s; the rest of the browser 0.32-0.35 against
    // 0.38-0.45 CPU-s). Every page's code then comes with the first (one 292 KB minified file,
    // which the service worker precaches anyway), so moving between pages loads nothing more.
    output: { bundleStrategy: 'single' },
    // Strict CSP: no inline script, no eval. SvelteKit adds hashes for its own bootstrap script.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'worker-src': ['self', 'blob:'],
        'connect-src': ['self', 'https:', 'http:'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self']
      }
    }
  }
};

export default config;
