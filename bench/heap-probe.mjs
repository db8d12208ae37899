// Profiling aid (not part of `npm run bench`): how much of the verifier worker's memory is garbage
// waiting for a full GC, and which allocations become that garbage (issue 7, session 13).
//
//   node bench/heap-probe.mjs gc [LEDGER_DIR] [--at 15,30,45] [--app BUILD_DIR [--revisit]]
//     One run of the bench page (or, with --app, the built app opening the ledger through ?bundle=;
//     with --revisit, the app's second visit of the same address, timed from its navigation).
//     At each of the given seconds it forces a full GC in the verifier worker's isolate only
//     (DevTools HeapProfiler.collectGarbage) and prints the renderer's RSS and the verifier's JS heap
//     (used / total) before and after: what a full GC would free at that moment.
//
//   node bench/heap-probe.mjs promoted [LEDGER_DIR] [--stop-after 4.5]
//     Two runs of the bench page with the verifier's allocations sampled (HeapProfiler.startSampling,
//     every 16 KiB): one counting objects that survived young-generation GCs and then died in a full
//     GC, one counting only live objects; sampling stops after the given seconds (before the page
//     drops its state at the end). Prints the allocation sites by bytes of the first run minus the
//     second: the old-generation garbage. The page is built unminified, so names are the source's.
//
// The ledger defaults to the 100k bench ledger. Forcing GCs and sampling cost time: read sizes, not
// durations, from these runs.
import { spawn } from 'node:child_process';
import { join, relative, resolve } from 'node:path';
import { CACHE, ROOT, ensureLedger, bundleDir } from './ledgers.mjs';
import { buildPage, PAGE } from './browser.mjs';
import { launchChromium, openPage } from './cdp.mjs';
import { serve } from './serve.mjs';
import { treeRssKb, waitForQuiet } from './memory.mjs';
import { freePort, waitForServer, VERDICT_WATCH } from './app.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const [mode, dirArg] = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
if (mode !== 'gc' && mode !== 'promoted') {
  console.error('usage: node bench/heap-probe.mjs gc|promoted [LEDGER_DIR] [--at 15,30,45] [--app BUILD_DIR [--revisit]] [--stop-after S]');
  process.exit(2);
}
const revisit = argv.includes('--revisit');
if (revisit && (mode !== 'gc' || !argv.includes('--app'))) {
  console.error('heap-probe: --revisit is for `gc --app BUILD_DIR` (a revisit of the built app)');
  process.exit(2);
}
const bundle = dirArg ? resolve(dirArg) : bundleDir(ensureLedger(100_000));
const MB = (b) => (b / 2 ** 20).toFixed(0);

/** RSS in MB of the largest renderer of the browser (the one hosting the page and its workers). */
const rendererRssMB = (rootPid) => Math.round(Math.max(0, ...treeRssKb(rootPid, (cmd) => cmd.includes('--type=renderer'))) / 1024);

/** Attach to every worker as it starts (paused until `onWorker` has run); returns the sessions by kind. */
function watchWorkers(chrome, pageSession, onWorker = async () => {}) {
  const workers = new Map(); // sessionId -> 'verifier' | 'signatures' | 'other'
  chrome.on(async (msg) => {
    if (msg.method !== 'Target.attachedToTarget') return;
    const { sessionId, targetInfo } = msg.params;
    const kind = /verif/.test(targetInfo.url) ? 'verifier' : /signature/.test(targetInfo.url) ? 'signatures' : 'other';
    if (targetInfo.type === 'worker') workers.set(sessionId, kind);
    await chrome.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId).catch(() => undefined);
    if (targetInfo.type === 'worker') await onWorker(sessionId, kind);
    await chrome.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
  });
  return chrome.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, pageSession).then(() => workers);
}

const pageUrl = (server) => `${server.url}/page/index.html?bundle=${encodeURIComponent(`/ledgers/${relative(CACHE, bundle)}/`)}&threads=2&backend=auto&keep=1`;

async function gcProbe() {
  const at = opt('at', '15,30,45').split(',').map(Number);
  const app = opt('app', null);
  const procs = [];
  let server = null;
  const chrome = await launchChromium();
  try {
    const page = await openPage(chrome);
    const workers = await watchWorkers(chrome, page.sessionId);
    if (app) {
      // As bench/app.mjs: the site on one port, the ledger on another (a second origin, with CORS).
      const [site, ledger] = [await freePort(), await freePort()];
      procs.push(spawn(process.execPath, [join(ROOT, 'scripts/serve-static.mjs'), '--port', String(site), '--root', resolve(app)], { stdio: 'ignore' }));
      procs.push(spawn(process.execPath, [join(ROOT, 'scripts/serve-static.mjs'), '--port', String(ledger), '--root', bundle, '--cors'], { stdio: 'ignore' }));
      await waitForServer(`http://127.0.0.1:${site}/`);
      await waitForServer(`http://127.0.0.1:${ledger}/manifest.json`);
      await waitForQuiet(chrome.pid);
      const url = `http://127.0.0.1:${site}/?bundle=${encodeURIComponent(`http://127.0.0.1:${ledger}/`)}`;
      if (revisit) await chrome.send('Page.addScriptToEvaluateOnNewDocument', { source: VERDICT_WATCH }, page.sessionId);
      await page.navigate(url);
      if (revisit) {
        // As bench/app.mjs's revisit: the first visit to its verdict, then the same address again.
        await page.waitFor('window.__verdict !== undefined', { timeoutMs: 600_000 });
        await waitForQuiet(chrome.pid);
        workers.clear();
        await page.navigate(url);
      }
    } else {
      await buildPage();
      server = await serve({ '/page/': PAGE, '/ledgers/': CACHE });
      await waitForQuiet(chrome.pid);
      await page.navigate(pageUrl(server));
    }
    const t0 = Date.now();
    console.log(`${app ? `the app (?bundle=)${revisit ? ', revisit' : ''}` : 'bench page'}, ${relative(ROOT, bundle)}: a full GC in the verifier worker at ${at.join(', ')} s`);
    for (const t of at) {
      await new Promise((r) => setTimeout(r, Math.max(0, t * 1000 - (Date.now() - t0))));
      const sid = [...workers].findLast(([, k]) => k === 'verifier')?.[0];
      if (!sid) {
        console.log(`t=${t} s: no verifier worker`);
        continue;
      }
      const rss0 = rendererRssMB(chrome.pid);
      const h0 = await chrome.send('Runtime.getHeapUsage', {}, sid);
      await chrome.send('HeapProfiler.collectGarbage', {}, sid);
      const h1 = await chrome.send('Runtime.getHeapUsage', {}, sid);
      await new Promise((r) => setTimeout(r, 300)); // the freed pages and array buffers leave the RSS
      console.log(`t=${t} s: renderer RSS ${rss0} -> ${rendererRssMB(chrome.pid)} MB; verifier heap used ${MB(h0.usedSize)} -> ${MB(h1.usedSize)} MB, total ${MB(h0.totalSize)} -> ${MB(h1.totalSize)} MB`);
    }
  } finally {
    await chrome.close();
    await server?.close();
    for (const p of procs) p.kill();
  }
}

/** One sampled run of the bench page; the verifier's sampling profile. */
async function sampledRun(server, collected, stopAfterS) {
  const chrome = await launchChromium();
  try {
    const page = await openPage(chrome);
    let verifier = null;
    await watchWorkers(chrome, page.sessionId, async (sid, kind) => {
      if (kind !== 'verifier') return;
      verifier = sid;
      await chrome.send('HeapProfiler.enable', {}, sid);
      await chrome.send('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: collected, includeObjectsCollectedByMinorGC: false }, sid);
    });
    await page.navigate(pageUrl(server));
    const t0 = Date.now();
    while (Date.now() - t0 < stopAfterS * 1000 && !(await page.evaluate('window.__bench ? 1 : 0'))) await new Promise((r) => setTimeout(r, 100));
    if (!verifier) throw new Error('the verifier worker did not start');
    return (await chrome.send('HeapProfiler.stopSampling', {}, verifier)).profile;
  } finally {
    await chrome.close();
  }
}

/** Sampled bytes by allocation site (function, file:line, and its two callers). */
function bySite(profile) {
  const out = new Map();
  const walk = (n, stack) => {
    const f = n.callFrame;
    const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    if (n.selfSize) {
      const key = [name, ...stack.slice(-2).reverse()].join(' <- ');
      out.set(key, (out.get(key) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, [...stack, f.functionName || '(anonymous)']);
  };
  walk(profile.head, []);
  return out;
}

async function promotedProbe() {
  const stopAfter = Number(opt('stop-after', '4.5'));
  process.env.BENCH_MINIFY ??= '0';
  await buildPage();
  const server = await serve({ '/page/': PAGE, '/ledgers/': CACHE });
  try {
    const withGarbage = bySite(await sampledRun(server, true, stopAfter));
    const live = bySite(await sampledRun(server, false, stopAfter));
    const sum = (m) => [...m.values()].reduce((a, b) => a + b, 0);
    console.log(`${relative(ROOT, bundle)}, first ${stopAfter} s: sampled ${(sum(withGarbage) / 2 ** 20).toFixed(1)} MB promoted or live, ${(sum(live) / 2 ** 20).toFixed(1)} MB live`);
    const diff = [...withGarbage].map(([k, v]) => [k, v - (live.get(k) ?? 0)]).sort((a, b) => b[1] - a[1]);
    for (const [k, v] of diff.slice(0, 25)) console.log(`${(v / 2 ** 20).toFixed(2).padStart(7)} MB  ${k}`);
  } finally {
    await server.close();
  }
}

if (mode === 'gc') await gcProbe();
else await promotedProbe();
