// Profiling aid (not part of `npm run bench`): CPU profiles of every thread of a bench-page run,
// in its real layout — the verifier worker (ordered pass) and the signature workers — which
// DevTools' in-page profile cannot see. Chromium is driven over the DevTools protocol (cdp.mjs):
// workers are auto-attached paused (waitForDebuggerOnStart), their profilers started, then resumed.
//   node bench/worker-profile.mjs [LEDGER_DIR] [--backend auto|pure] [--out DIR]
// Writes one .cpuprofile per thread to DIR (default bench/cache/profiles/) and prints the top
// self-time functions of each, plus (idle)/(program)/(garbage collector).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CACHE, ensureLedger, bundleDir } from './ledgers.mjs';
import { buildPage, PAGE } from './browser.mjs';
import { launchChromium } from './cdp.mjs';
import { serve } from './serve.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const backend = opt('backend', 'auto');
const outDir = resolve(opt('out', join(CACHE, 'profiles')));
const dirArg = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const bundle = dirArg ? resolve(dirArg) : bundleDir(ensureLedger(10_000));

process.env.BENCH_MINIFY ??= '0';
await buildPage();
const server = await serve({ '/page/': PAGE, '/ledgers/': CACHE, '/abs/': '/' });
const chrome = await launchChromium();
const send = chrome.send;

const threads = new Map(); // sessionId -> {title, type}
chrome.on(async (msg) => {
  if (msg.method !== 'Target.attachedToTarget') return;
  const { sessionId, targetInfo } = msg.params;
  threads.set(sessionId, { title: targetInfo.title || targetInfo.url, type: targetInfo.type });
  if (targetInfo.type === 'worker') {
    await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId);
    await send('Profiler.enable', {}, sessionId);
    await send('Profiler.setSamplingInterval', { interval: 250 }, sessionId);
    await send('Profiler.start', {}, sessionId);
  }
  await send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
});

const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
const { sessionId: pageSession } = await send('Target.attachToTarget', { targetId, flatten: true });
await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, pageSession);
await send('Runtime.enable', {}, pageSession);
const bundleUrl = bundle.startsWith(CACHE) ? `/ledgers/${relative(CACHE, bundle)}/` : `/abs${bundle}/`;
await send('Page.navigate', { url: `${server.url}/page/index.html?bundle=${encodeURIComponent(bundleUrl)}&threads=2&backend=${backend}&keep=1` }, pageSession);

let result = null;
for (let i = 0; i < 3000 && !result; i++) {
  await new Promise((r) => setTimeout(r, 100));
  const r = await send('Runtime.evaluate', { expression: 'JSON.stringify(window.__bench ?? null)', returnByValue: true }, pageSession).catch(() => null);
  const v = r?.result?.value;
  if (v && v !== 'null') result = JSON.parse(v);
}
console.log(JSON.stringify({ wallMs: result?.wallMs, ms: result?.ms, ok: result?.ok, error: result?.error }));
mkdirSync(outDir, { recursive: true });
for (const [sessionId, t] of threads) {
  if (t.type !== 'worker') continue;
  const res = await send('Profiler.stop', {}, sessionId).catch(() => null);
  if (!res) continue; // the pool's workers are closed when the run ends: profile what is still alive
  const file = join(outDir, `${t.title.replace(/[^a-z0-9.-]+/gi, '_')}-${sessionId.slice(0, 6)}.cpuprofile`);
  writeFileSync(file, JSON.stringify(res.profile));
  summarise(t.title, res.profile, file);
}
await chrome.close();
await server.close();

function summarise(title, p, file) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    const k = n.callFrame.functionName || '(anonymous)';
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    self.set(k, (self.get(k) ?? 0) + dt);
  }
  console.log(`\n${title}: ${(total / 1000).toFixed(0)} ms sampled (${file})`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(v / 1000).toFixed(1).padStart(9)} ms  ${k}`);
}
