// Peak memory of a process tree, sampled from /proc (Linux): VmRSS summed over the processes whose
// command line matches, every `everyMs`. Used for Chromium (the renderer that hosts the page and its
// workers) and for the CLI (whose worker_threads live in the same process).
import { readFileSync, readdirSync } from 'node:fs';

const PAGE_KB = 4; // getconf PAGESIZE on x86-64 Linux

function children(pid) {
  const out = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const c = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (c) out.push(...c.split(/\s+/).map(Number));
    }
  } catch {
    /* the process went away */
  }
  return out;
}

function rssKb(pid) {
  try {
    // statm's second field: resident pages (the VmRSS of /proc/PID/status, cheaper to read).
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** utime + stime of a process in seconds (all its threads), from /proc/PID/stat. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // fields 14 and 15, USER_HZ = 100
  } catch {
    return 0;
  }
}

/** Per-thread CPU seconds and names of a process: [{tid, name, cpu}] from /proc/PID/task/TID. */
function threadTimes(pid) {
  const out = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        out.push({ tid, name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), cpu: (Number(f[11]) + Number(f[12])) / 100 });
      } catch {
        /* the thread ended */
      }
    }
  } catch {
    /* the process went away */
  }
  return out;
}

/** rootPid and every process below it. */
function descendants(rootPid) {
  const all = [rootPid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

/** One reading: the RSS in kB of each descendant of rootPid (itself included) whose command line matches. */
export function treeRssKb(rootPid, match = () => true) {
  return descendants(rootPid)
    .filter((p) => match(cmdline(p)))
    .map(rssKb);
}

/**
 * Start sampling the matching descendants of rootPid. stop() returns {peakMB, cpuSeconds, threads}:
 * the peak of their summed RSS, the CPU time they used while sampled (load-independent, unlike wall
 * time on a shared machine), and the CPU seconds of each of their threads, busiest first (the
 * busiest one is the critical path: the ordered pass, which no second core can shorten).
 *
 * `withThread`: count only the processes that ran a thread of that name at some sample. Chromium
 * keeps spare and initial renderers beside the one that hosts the page; only the one whose threads
 * include the page's Web Workers ('DedicatedWorker') does the verification.
 */
export function samplePeakRss(rootPid, { match = () => true, everyMs = 50, discoverEvery = 10, withThread = null } = {}) {
  const samples = []; // per tick: Map pid -> RSS kB
  const hosts = new Set(); // pids that ran a `withThread` thread
  const known = new Set(); // matching pids, found by the last discovery
  const cpuStart = new Map();
  const cpuLast = new Map();
  const thStart = new Map();
  const thLast = new Map();
  // The sampler shares the cores it measures, so a tick is cheap: the RSS of the processes already
  // found (one read each). The tree walk, command lines and per-thread times (a read per thread)
  // run on every tick of the first half second, while the page's renderer appears, then on every
  // `discoverEvery`-th tick and at the end.
  const discover = () => {
    known.clear();
    for (const p of descendants(rootPid)) {
      if (!match(cmdline(p))) continue;
      known.add(p);
      const c = cpuSeconds(p);
      if (!cpuStart.has(p)) cpuStart.set(p, c);
      cpuLast.set(p, c);
      for (const t of threadTimes(p)) {
        const k = `${p}/${t.tid}`;
        if (!thStart.has(k)) thStart.set(k, t.cpu);
        thLast.set(k, { ...t, pid: p });
        if (withThread !== null && t.name === withThread) hosts.add(p);
      }
    }
  };
  let ticks = 0;
  const tick = (full = false) => {
    if (full || ticks < 10 || ticks % discoverEvery === 0) discover();
    ticks++;
    const rss = new Map();
    for (const p of known) rss.set(p, rssKb(p));
    samples.push(rss);
  };
  tick(true);
  const t = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(t);
      tick(true);
      const counted = (p) => withThread === null || hosts.has(p);
      let peak = 0;
      for (const rss of samples) {
        let sum = 0;
        for (const [p, kb] of rss) if (counted(p)) sum += kb;
        if (sum > peak) peak = sum;
      }
      let cpu = 0;
      for (const [p, c] of cpuLast) if (counted(p)) cpu += c - cpuStart.get(p);
      const threads = [...thLast]
        .filter(([, t]) => counted(t.pid))
        .map(([k, t]) => ({ name: t.name, cpuSeconds: t.cpu - thStart.get(k) }))
        .filter((t) => t.cpuSeconds > 0)
        .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
      return { peakMB: peak / 1024, cpuSeconds: cpu, threads: threads.slice(0, 6) };
    }
  };
}

/** CPU seconds (user + system) used so far by rootPid and all its descendants. */
export function treeCpuSeconds(rootPid) {
  return descendants(rootPid).reduce((total, p) => total + cpuSeconds(p), 0);
}

/**
 * Wait until the process tree of rootPid is quiet: `quietMs` in a row in which it used less than
 * `maxShare` of one core (checked every `everyMs`), or `timeoutMs` at most. A freshly launched
 * Chromium keeps starting its own services (the GPU/network/storage processes, a spare renderer) for
 * a second or more; a run started meanwhile shares the two cores with that start-up, which a person
 * opening the app in a running browser never sees. Resolves to {waitedMs, settled}.
 */
export async function waitForQuiet(rootPid, { quietMs = 300, everyMs = 100, maxShare = 0.05, timeoutMs = 5000 } = {}) {
  const t0 = performance.now();
  let last = treeCpuSeconds(rootPid);
  let quietSince = performance.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, everyMs));
    const now = performance.now();
    const cpu = treeCpuSeconds(rootPid);
    if (cpu - last > (maxShare * everyMs) / 1000) quietSince = now;
    last = cpu;
    if (now - quietSince >= quietMs) return { waitedMs: now - t0, settled: true };
    if (now - t0 >= timeoutMs) return { waitedMs: now - t0, settled: false };
  }
}
