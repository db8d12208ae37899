// Peak memory of a process tree, sampled from /proc (Linux): VmRSS summed over the processes whose
// command line matches, every `everyMs`. Used for Chromium (the renderer that hosts the page and its
// workers) and for the CLI (whose worker_threads live in the same process).
import { readFileSync, readdirSync } from 'node:fs';

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
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
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

/** Start sampling; stop() returns the peak in MB of the summed RSS of matching descendants (and the root). */
export function samplePeakRss(rootPid, { match = () => true, everyMs = 50 } = {}) {
  let peak = 0;
  const tick = () => {
    const all = [rootPid];
    for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
    let sum = 0;
    for (const p of all) if (match(cmdline(p))) sum += rssKb(p);
    if (sum > peak) peak = sum;
  };
  tick();
  const t = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(t);
      tick();
      return peak / 1024;
    }
  };
}
