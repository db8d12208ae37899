// The app rows of `npm run bench`: the built site (`vite build` → build/) verifying its own demo
// ledger (static/demo, 10,000 events), or a bench ledger through `?bundle=` (1M), on a first visit, in a fresh headless Chromium profile, timed
// from the navigation to the overview's "Verified" verdict: what a person opening the app waits
// for (page load, hydration, worker start, pinned trust, download, verification, replay, the
// IndexedDB cache writes, rendering). Memory and CPU are the page's renderer's, as for the
// bench page (browser.mjs). With `revisit`, the same page then opens the same address again, as a
// person coming back does: the segments come from the IndexedDB cache and the signatures of those
// the first visit found all valid are recalled (LoadResult.signaturesRecalled), not checked again.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './ledgers.mjs';
import { launchPage } from './browser.mjs';
import { treeCpuSeconds, waitForQuiet } from './memory.mjs';

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Resolves once `url` answers 200 (a server just spawned), or throws after `ms`. */
export async function waitForServer(url, ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) throw new Error(`the static server at ${url} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Installed before the app's scripts: sets window.__verdict once the overview shows a verdict (also heap-probe.mjs). */
export const VERDICT_WATCH = `(() => {
  const t = setInterval(() => {
    const el = document.querySelector('[data-testid="verdict"]');
    const text = el ? el.textContent : '';
    if (/Verified|failed|refused|error/i.test(text)) {
      clearInterval(t);
      const recalled = document.querySelector('[data-testid="signatures-recalled"] [data-field="recalled"]');
      window.__verdict = { ms: performance.now(), text, recalled: recalled ? Number(recalled.textContent.replace(/,/g, '')) : 0 };
    }
  }, 16);
})();`;

/**
 * One first visit of the built app in `buildDir`; resolves to a bench row's measurements. With
 * `bundleDir`, the app opens that bundle instead of its demo, as a person following a `?bundle=` link
 * does: the bundle is served from a second origin (CORS), and its pinned trust must be the demo's
 * (a bench ledger of seed 7 is signed by the demo's keys).
 */
export async function runApp(buildDir = join(ROOT, 'build'), { timeoutMs = 300_000, bundleDir = null, revisit = false } = {}) {
  const port = await freePort();
  const server = spawn(process.execPath, [join(ROOT, 'scripts/serve-static.mjs'), '--port', String(port), '--root', buildDir], { stdio: 'ignore' });
  const bundlePort = bundleDir ? await freePort() : null;
  const bundleServer = bundleDir ? spawn(process.execPath, [join(ROOT, 'scripts/serve-static.mjs'), '--port', String(bundlePort), '--root', bundleDir, '--cors'], { stdio: 'ignore' }) : null;
  try {
    const bundleUrl = bundleDir ? `http://127.0.0.1:${bundlePort}/` : null;
    const url = `http://127.0.0.1:${port}/${bundleUrl ? `?bundle=${encodeURIComponent(bundleUrl)}` : ''}`;
    await waitForServer(`http://127.0.0.1:${port}/`);
    if (bundleUrl) await waitForServer(`${bundleUrl}manifest.json`);
    const { chrome, page, errors, sampleRenderer, close } = await launchPage();
    try {
      // The verdict is timed in the page, against its navigation start (performance.now()'s origin):
      // a 16 ms check of the overview's verdict element, installed before the app's own scripts.
      await chrome.send('Page.addScriptToEvaluateOnNewDocument', { source: VERDICT_WATCH }, page.sessionId);
      // As a person opening the app in a browser that is already running: navigate once the freshly
      // launched browser has finished its own start-up (bench/memory.mjs waitForQuiet).
      const settle = await waitForQuiet(chrome.pid);
      const rss = sampleRenderer();
      const browserCpu0 = treeCpuSeconds(chrome.pid);
      const visit = async (rss, browserCpu0, settle) => {
        await page.navigate(url);
        const verdict = JSON.parse(await page.waitFor('window.__verdict && JSON.stringify(window.__verdict)', { timeoutMs }));
        const { peakMB, cpuSeconds, threads } = rss.stop();
        const browserCpuSeconds = treeCpuSeconds(chrome.pid) - browserCpu0 - cpuSeconds;
        const text = verdict.text.trim();
        return { seconds: verdict.ms / 1000, ok: /Verified/.test(text) && errors.length === 0, verdict: text.replace(/\s+/g, ' ').slice(0, 80), recalled: verdict.recalled, error: errors.join('; ') || null, peakRssMB: peakMB, cpuSeconds, threadCpu: threads, settleMs: settle.waitedMs, settled: settle.settled, browserCpuSeconds };
      };
      const first = await visit(rss, browserCpu0, settle);
      if (!revisit) return first;
      // Back again once the browser is quiet (the first visit's cache writes and service worker done).
      const settle2 = await waitForQuiet(chrome.pid);
      const rss2 = sampleRenderer();
      const again = await visit(rss2, treeCpuSeconds(chrome.pid), settle2);
      return { ...first, revisit: again };
    } finally {
      await close();
    }
  } finally {
    server.kill();
    bundleServer?.kill();
  }
}
