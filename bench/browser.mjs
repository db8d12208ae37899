// Chromium side of `npm run bench`: bundles the bench page (bench/page/) with esbuild, serves it
// and the cached ledgers from 127.0.0.1, and runs one verification per fresh browser in headless
// /usr/bin/chromium, sampling the renderer's RSS (page + verifier worker + signature workers all
// live in the renderer process) for the peak.
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, CACHE } from './ledgers.mjs';
import { serve } from './serve.mjs';
import { samplePeakRss } from './memory.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PAGE = join(CACHE, 'page');

export async function buildPage() {
  mkdirSync(PAGE, { recursive: true });
  await build({
    entryPoints: {
      bench: join(ROOT, 'bench/page/bench.ts'),
      inpage: join(ROOT, 'bench/page/pipeline.ts'),
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
  const bs = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const browser = await chromium.connect(bs.wsEndpoint());
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const sampleRenderer = () => samplePeakRss(bs.process().pid, { match: (cmd) => cmd.includes('--type=renderer'), withThread: 'DedicatedWorker' });
  return {
    browser,
    page,
    errors,
    sampleRenderer,
    async close() {
      await browser.close();
      await bs.close();
    }
  };
}

/** One end-to-end run: fresh browser, fresh page. Returns the page's result plus wall time and peak RSS. */
export async function runInChromium(bundleDir, { threads = 2, backend = 'auto', timeoutMs = 300_000, profile = null, mode = 'pipeline' } = {}) {
  const server = await serve({ '/page/': PAGE, '/ledgers/': CACHE });
  const { page, errors, sampleRenderer, close } = await launchPage();
  try {
    await page.goto(`${server.url}/page/index.html?about=blank`);
    const rss = sampleRenderer();
    const bundle = `/ledgers/${relative(CACHE, bundleDir)}/`;
    const inpage = (profile ? '&inpage=1' : '') + (mode === 'signatures' ? '&mode=signatures' : '');
    await page.evaluate(({ bundle, threads, backend, inpage }) => history.replaceState(null, '', `?bundle=${encodeURIComponent(bundle)}&threads=${threads}&backend=${backend}${inpage}`), { bundle, threads, backend, inpage });
    await page.reload();
    let cdp = null;
    if (profile) {
      // Profiling aid (not used by `npm run bench`): the pipeline runs on the page thread.
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await page.evaluate(() => window.__go());
    }
    await page.waitForFunction(() => window.__bench, null, { timeout: timeoutMs, polling: 100 });
    const res = await page.evaluate(() => window.__bench);
    if (cdp) writeFileSync(profile, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    const { peakMB, cpuSeconds, threads: threadCpu } = rss.stop();
    const ua = await page.evaluate(() => navigator.userAgent);
    if (errors.length && !res.error) res.error = errors.join('; ');
    return { ...res, peakRssMB: peakMB, cpuSeconds, threadCpu, userAgent: ua, hardwareConcurrency: await page.evaluate(() => navigator.hardwareConcurrency) };
  } finally {
    await close();
    await server.close();
  }
}
