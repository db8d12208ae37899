// Profiling aid (not part of `npm run bench`): where the renderer's CPU goes, thread by thread, in one
// bench-page run, from a Chrome trace (Tracing over the DevTools protocol). /proc gives each thread's
// CPU (bench/browser.mjs) but not what a ThreadPoolForegroundWorker thread did; the trace does: every
// slice has its thread time (tdur), so summing each thread's slices by name, children subtracted,
// attributes the CPU of V8's background threads (Maglev and TurboFan compiles, concurrent GC) and of
// the JS threads' own V8 and Blink work (WebCrypto's DoVerify, lazy compiles, deopts, scavenges).
//   node bench/thread-trace.mjs LEDGER_DIR [--backend auto|pure] [--threads 2] [--nobuild] [--top 15]
//        [--js-flags "--trace-opt --trace-deopt" [--log FILE]] [--categories a,b,...] [--out trace.json]
// Prints, for the renderer that ran the workers:
//   - each busy thread: the thread time of its top-level slices, and its largest slices by self time;
//   - the ThreadPoolForegroundWorker threads' self time by family (maglev, turbofan, gc, other);
//   - JIT per isolate: TurboFan background time (each job's phases carry its function's name, matched
//     to the isolate that prepared it) and Maglev compiles finalised on each JS thread, and deopts;
//   - TurboFan background time per function.
// The page is built unminified (BENCH_MINIFY=0, as worker-profile.mjs) so function names are the
// source's; set BENCH_PAGE_DIR to build a private copy. Tracing costs CPU: compare shares within a run,
// and take CPU totals from the bench runner, not from here. With --js-flags, --log gets Chromium's
// stdout (V8's --trace-opt / --trace-deopt lines).
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { CACHE, ensureLedger, bundleDir } from './ledgers.mjs';
import { buildPage, PAGE } from './browser.mjs';
import { launchChromium, openPage } from './cdp.mjs';
import { serve } from './serve.mjs';
import { waitForQuiet } from './memory.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
const dirArg = argv.find((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
const bundle = dirArg ? resolve(dirArg) : bundleDir(ensureLedger(10_000));
const top = Number(opt('top', '15'));
const jsFlags = opt('js-flags', null);
const CATEGORIES = [
  'toplevel',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.gc',
  'disabled-by-default-v8.compile',
  'disabled-by-default-v8.turbofan',
  'blink',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'loading',
  'ipc',
  'mojom',
  'base',
  'scheduler',
  'sequence_manager'
];
const categories = opt('categories', null)?.split(',') ?? CATEGORIES;

process.env.BENCH_MINIFY ??= '0';
if (!argv.includes('--nobuild')) await buildPage();
const server = await serve({ '/page/': PAGE, '/ledgers/': CACHE, '/abs/': '/' });
const chrome = await launchChromium({ args: jsFlags ? [`--js-flags=${jsFlags}`] : [], log: opt('log', null) });
let events = [];
try {
  const page = await openPage(chrome);
  const bundleUrl = bundle.startsWith(CACHE) ? `/ledgers/${relative(CACHE, bundle)}/` : `/abs${bundle}/`;
  await page.navigate(`${server.url}/page/index.html?bundle=${encodeURIComponent(bundleUrl)}&threads=${opt('threads', '2')}&backend=${opt('backend', 'auto')}&keep=1&wait=1`);
  await page.waitFor("typeof window.__start === 'function'");
  await waitForQuiet(chrome.pid);
  chrome.on((m) => {
    if (m.method === 'Tracing.dataCollected') events.push(...m.params.value);
  });
  await chrome.send('Tracing.start', { traceConfig: { includedCategories: categories, recordMode: 'recordAsMuchAsPossible' }, transferMode: 'ReportEvents' });
  await page.evaluate('window.__start(), 1');
  const res = JSON.parse(await page.waitFor('window.__bench && JSON.stringify(window.__bench)'));
  const done = new Promise((ok) => chrome.on((m) => m.method === 'Tracing.tracingComplete' && ok()));
  await chrome.send('Tracing.end');
  await done;
  console.log(JSON.stringify({ ok: res.ok, error: res.error, wallMs: Math.round(res.wallMs), ms: res.ms, traceEvents: events.length }));
} finally {
  await chrome.close();
  await server.close();
}
if (opt('out', null)) writeFileSync(opt('out'), JSON.stringify(events));
report(events);

/** Self time (thread time where the slice has it) per slice name on each thread; X slices and B/E pairs. */
function selfTimes(evs) {
  const xs = [];
  const open = [];
  evs.sort((a, b) => a.ts - b.ts);
  for (const e of evs) {
    if (e.ph === 'X') xs.push({ name: e.name, ts: e.ts, dur: e.dur ?? 0, t: e.tdur ?? e.dur ?? 0 });
    else if (e.ph === 'B') open.push(e);
    else if (e.ph === 'E') {
      const b = open.pop();
      if (b) xs.push({ name: b.name, ts: b.ts, dur: e.ts - b.ts, t: e.tts !== undefined && b.tts !== undefined ? e.tts - b.tts : e.ts - b.ts });
    }
  }
  xs.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const self = new Map();
  const count = new Map();
  const stack = [];
  let topLevel = 0;
  for (const x of xs) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= x.ts) stack.pop();
    const parent = stack[stack.length - 1];
    self.set(x.name, (self.get(x.name) ?? 0) + x.t);
    count.set(x.name, (count.get(x.name) ?? 0) + 1);
    if (parent) self.set(parent.name, self.get(parent.name) - x.t);
    else topLevel += x.t;
    stack.push(x);
  }
  return { self, count, topLevel };
}

function family(name) {
  if (/Maglev/.test(name)) return 'maglev';
  if (/^V8\.(TF|Turboshaft|OptimizeConcurrent|OptimizeBackground)|TurboFan/.test(name)) return 'turbofan';
  if (/GC|Scaveng|SCAVENGE|Mark|MARK|Sweep|SWEEP|Evacuat|EVACUATE|Cppgc|CppGC|RememberedSet/.test(name)) return 'gc';
  if (/Compile|Parse|Baseline|Sparkplug/.test(name)) return 'other compile';
  return 'other';
}

function functionName(e) {
  try {
    return JSON.parse(e.args.stats).function_name || '(anonymous)';
  } catch {
    return null;
  }
}

function report(all) {
  const threadName = new Map();
  const renderers = new Set();
  for (const e of all) {
    if (e.ph !== 'M' || e.name !== 'thread_name') continue;
    threadName.set(`${e.pid}/${e.tid}`, e.args.name);
    if (/DedicatedWorker/.test(e.args.name)) renderers.add(e.pid);
  }
  const evs = all.filter((e) => renderers.has(e.pid));
  const byThread = new Map();
  for (const e of evs) {
    if (e.ph !== 'X' && e.ph !== 'B' && e.ph !== 'E') continue;
    const k = `${e.pid}/${e.tid}`;
    if (!byThread.has(k)) byThread.set(k, []);
    byThread.get(k).push(e);
  }
  const ms = (us) => (us / 1000).toFixed(1).padStart(8);
  const threads = [...byThread].map(([k, list]) => ({ k, name: threadName.get(k) ?? '?', ...selfTimes(list) })).sort((a, b) => b.topLevel - a.topLevel);
  let total = 0;
  for (const t of threads) total += t.topLevel;
  console.log(`\nrenderer threads, thread time in top-level slices: ${ms(total)} ms in all`);
  for (const t of threads) if (t.topLevel >= 1000) console.log(`${ms(t.topLevel)} ms  ${t.name} (${t.k})`);
  for (const t of threads) {
    if (t.topLevel < 5000) continue;
    console.log(`\n== ${t.name} (${t.k}): ${ms(t.topLevel)} ms; largest slices by self thread time`);
    for (const [n, v] of [...t.self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(v)} ms ${String(t.count.get(n)).padStart(7)}x  ${n}`);
  }
  const fam = new Map();
  let pool = 0;
  for (const t of threads) {
    if (!/ThreadPool/.test(t.name)) continue;
    for (const [n, v] of t.self) {
      fam.set(family(n), (fam.get(family(n)) ?? 0) + v);
      pool += v;
    }
  }
  console.log(`\nThreadPoolForegroundWorker threads: ${ms(pool)} ms`);
  for (const [f, v] of [...fam].sort((a, b) => b[1] - a[1])) console.log(`${ms(v)} ms  ${f} (${((100 * v) / pool).toFixed(0)} %)`);

  // JIT per isolate. A TurboFan job is prepared on its isolate's thread (V8.OptimizeConcurrentPrepare)
  // and runs its phases on a pool thread; both carry the function's name. A name prepared in several
  // isolates (shared core code) is split by how often each prepared it.
  const prepared = new Map(); // function -> Map(thread -> jobs)
  const maglev = new Map();
  const deopts = new Map();
  for (const e of evs) {
    const k = `${e.pid}/${e.tid}`;
    if (e.name === 'V8.OptimizeConcurrentPrepare' && e.args?.stats) {
      const f = functionName(e);
      if (!prepared.has(f)) prepared.set(f, new Map());
      prepared.get(f).set(k, (prepared.get(f).get(k) ?? 0) + 1);
    } else if (e.name === 'V8.FinalizeMaglevConcurrentCompilation') maglev.set(k, (maglev.get(k) ?? 0) + 1);
    else if (e.name === 'V8.DeoptimizeCode') deopts.set(k, (deopts.get(k) ?? 0) + 1);
  }
  const tfByThread = new Map();
  const tfByFunction = new Map();
  for (const t of threads) {
    if (!/ThreadPool/.test(t.name)) continue;
    // Leaf phases only (the phase groups nest them), with the job's function from its stats.
    for (const e of byThread.get(t.k)) {
      if (e.ph !== 'X' || family(e.name) !== 'turbofan' || !e.args?.stats) continue;
      if (/V8\.TurboshaftOptimize$|V8\.TFLowering$|V8\.TFGraphCreation$|V8\.TFBrokerInitAndSerialization$|V8\.TFRegisterAllocation$/.test(e.name)) continue;
      const f = functionName(e);
      const v = e.tdur ?? e.dur ?? 0;
      const by = tfByFunction.get(f) ?? { v: 0 };
      by.v += v;
      tfByFunction.set(f, by);
      const owners = prepared.get(f);
      if (!owners) continue;
      let n = 0;
      for (const c of owners.values()) n += c;
      for (const [k, c] of owners) tfByThread.set(k, (tfByThread.get(k) ?? 0) + (v * c) / n);
    }
  }
  console.log('\nJIT per isolate (JS thread): TurboFan background ms, TurboFan jobs, Maglev compiles, deopts');
  for (const t of threads) {
    if (!/DedicatedWorker|CrRendererMain/.test(t.name)) continue;
    let jobs = 0;
    for (const m of prepared.values()) jobs += m.get(t.k) ?? 0;
    if (!jobs && !maglev.get(t.k)) continue;
    console.log(`${ms(tfByThread.get(t.k) ?? 0)} ms ${String(jobs).padStart(5)} TF ${String(maglev.get(t.k) ?? 0).padStart(5)} Maglev ${String(deopts.get(t.k) ?? 0).padStart(4)} deopts  ${t.name} (${t.k})`);
  }
  console.log('\nTurboFan background time per function (ms, jobs in all isolates)');
  for (const [f, { v }] of [...tfByFunction].sort((a, b) => b[1].v - a[1].v).slice(0, top)) {
    let jobs = 0;
    for (const c of prepared.get(f)?.values() ?? []) jobs += c;
    console.log(`${ms(v)} ms ${String(jobs).padStart(4)}  ${f}`);
  }
}
