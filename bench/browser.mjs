// Chromium side of `npm run bench`: bundles the bench page (bench/page/) with esbuild, serves it
// and the cached ledgers from 127.0.0.1, and runs one verification per fresh browser in headless
// /usr/bin/chromium (driven over a DevTools pipe, cdp.mjs), sampling the renderer's RSS (page +
// verifier worker + signature workers all live in the renderer process) for the peak.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, CACHE } from './ledgers.mjs';
import { serve } from './serve.mjs';
import { samplePeakRss, treeCpuSeconds, waitForQuiet } from './memory.mjs';
import { launchChromium, openPage } from './cdp.mjs';

export { CHROMIUM, CHROMIUM_ARGS } from './cdp.mjs';
// BENCH_PAGE_DIR: a private page build (several engineers measuring from one working tree).
export const PAGE = process.env.BENCH_PAGE_DIR ?? join(CACHE, 'page');

export async function buildPage() {
  mkdirSync(PAGE, { recursive: true });
  await build({
    entryPoints: {
      bench: join(ROOT, 'bench/page/bench.ts'),
      'verify.worker': join(ROOT, 'bench/page/verify.worker.ts'),
      'signature.worker': join(ROOT, 'src/lib/worker/pool/signature.worker.ts')
    },
    outdir: PAGE,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: process.env.BENCH_MINIFY !== '0',
    logLevel: 'error',
    alias: { $lib: join(ROOT, 'src/lib') }
  });
  writeFileSync(join(PAGE, 'index.html'), '<!doctype html><meta charset="utf-8"><title>atlas bench</title><script type="module" src="bench.js"></script>');
}

/**
 * A fresh headless Chromium (its own temporary profile), a page in it, and a sampler of the RSS and
 * CPU of the renderer that hosts that page and its workers. `close()` ends the browser.
 */
export async function launchPage() {
  const chrome = await launchChromium();
  const page = await openPage(chrome);
  const sampleRenderer = () => samplePeakRss(chrome.pid, { match: (cmd) => cmd.includes('--type=renderer'), withThread: 'DedicatedWorker' });
  return { chrome, page, errors: page.errors, sampleRenderer, close: () => chrome.close() };
}

/** One end-to-end run: fresh browser, fresh page. Returns the page's result plus wall time and peak RSS. */
export async function runInChromium(bundleDir, { threads = 2, backend = 'auto', timeoutMs = 300_000, mode = 'pipeline' } = {}) {
  const server = await serve({ '/page/': PAGE, '/ledgers/': CACHE });
  const { chrome, page, errors, sampleRenderer, close } = await launchPage();
  try {
    const bundle = `/ledgers/${relative(CACHE, bundleDir)}/`;
    // keep=1: the page leaves its workers running after the result, so the last sample still sees
    // each thread's CPU time (closing the browser ends them).
    // wait=1: the page loads and waits; the run starts once the browser has finished starting up.
    const query = `?bundle=${encodeURIComponent(bundle)}&threads=${threads}&backend=${backend}&keep=1&wait=1${mode === 'signatures' ? '&mode=signatures' : ''}`;
    await page.navigate(`${server.url}/page/index.html${query}`);
    await page.waitFor("typeof window.__start === 'function'");
    const settle = await waitForQuiet(chrome.pid);
    const rss = sampleRenderer();
    const browserCpu0 = treeCpuSeconds(chrome.pid);
    // The page times itself, from creating its verifier worker to the result (bench/page/bench.ts).
    await page.evaluate('window.__start(), 1');
    const res = JSON.parse(await page.waitFor('window.__bench && JSON.stringify(window.__bench)', { timeoutMs }));
    const { peakMB, cpuSeconds, threads: threadCpu } = rss.stop();
    // The rest of the browser (its own process, the network service, ...) on the same cores.
    const browserCpuSeconds = treeCpuSeconds(chrome.pid) - browserCpu0 - cpuSeconds;
    const [userAgent, hardwareConcurrency] = await page.evaluate('[navigator.userAgent, navigator.hardwareConcurrency]');
    if (errors.length && !res.error) res.error = errors.join('; ');
    return { ...res, peakRssMB: peakMB, cpuSeconds, threadCpu, userAgent, hardwareConcurrency, settleMs: settle.waitedMs, settled: settle.settled, browserCpuSeconds };
  } finally {
    await close();
    await server.close();
  }
}
