// The native reference for `npm run bench` (issue 7): what this machine's cores can do for Ed25519
// verification with no JavaScript in the loop, measured in the same run as the pipelines so the
// ratios compare like with like on a shared VM.
//  - OpenSSL: `openssl speed -seconds S -multi N ed25519`, the verify/s column of the aggregate row.
//  - Node: node:crypto `crypto.verify` with one cached KeyObject per signer, on 1 thread and on N
//    worker_threads together (perf-limits.md §2: 15.6k/s per core, 31.9k/s on 2).
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { cpus } from 'node:os';

/** Parse the verify/s figure of the Ed25519 row in `openssl speed` output. */
export function parseOpensslSpeed(text) {
  const row = text.split('\n').find((l) => /EdDSA \(Ed25519\)/.test(l));
  if (!row) throw new Error('openssl speed: no Ed25519 row in output');
  const nums = row.trim().split(/\s+/).filter((t) => /^[0-9.]+s?$/.test(t)).map((t) => Number(t.replace(/s$/, '')));
  // bits, sign time, verify time, sign/s, verify/s
  const verify = nums[nums.length - 1];
  if (!Number.isFinite(verify) || verify <= 0) throw new Error(`openssl speed: cannot read verify/s from "${row.trim()}"`);
  return { signPerSec: nums[nums.length - 2], verifyPerSec: verify };
}

/** `openssl speed -seconds S [-multi N] ed25519` → verify/s (aggregate over N processes). */
export function opensslSpeed({ seconds = 3, multi = 2 } = {}) {
  const args = ['speed', '-seconds', String(seconds), ...(multi > 1 ? ['-multi', String(multi)] : []), 'ed25519'];
  return new Promise((resolve, reject) => {
    const p = spawn('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', () => {});
    p.on('error', (e) => reject(new Error(`openssl not runnable: ${e.message}`)));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`openssl speed exited ${code}`));
      try {
        resolve({ command: `openssl ${args.join(' ')}`, ...parseOpensslSpeed(out) });
      } catch (e) {
        reject(e);
      }
    });
  });
}

// Runs in each worker: 8 signers, 413-byte messages (the mean event size in perf-limits.md),
// cached KeyObjects, a 0.3 s warm-up, then as many verifies as fit in `ms`.
const WORKER_SRC = `
const { parentPort, workerData } = require('node:worker_threads');
const c = require('node:crypto');
const keys = [], msgs = [], sigs = [], pubs = [];
for (let s = 0; s < 8; s++) {
  const { privateKey, publicKey } = c.generateKeyPairSync('ed25519');
  keys.push(privateKey); pubs.push(publicKey);
}
for (let i = 0; i < 256; i++) {
  const m = c.randomBytes(413); msgs.push(m); sigs.push(c.sign(null, m, keys[i % 8]));
}
function run(ms) {
  let n = 0; const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let j = 0; j < 64; j++, n++) {
      const i = n & 255;
      if (!c.verify(null, msgs[i], pubs[i % 8], sigs[i])) throw new Error('bad verify');
    }
  }
  return n;
}
run(300);
parentPort.postMessage('ready');
parentPort.once('message', () => {
  const t0 = performance.now(); const n = run(workerData.ms); const t1 = performance.now();
  parentPort.postMessage({ n, ms: t1 - t0 });
});
`;

/** node:crypto Ed25519 verify/s on `threads` worker_threads started together (aggregate). */
export async function nodeVerifyRate({ threads = 1, ms = 2000 } = {}) {
  const workers = Array.from({ length: threads }, () => new Worker(WORKER_SRC, { eval: true, workerData: { ms } }));
  try {
    await Promise.all(workers.map((w) => new Promise((r, j) => (w.once('message', r), w.once('error', j)))));
    const results = await Promise.all(
      workers.map((w) => new Promise((r, j) => (w.once('message', r), w.once('error', j), w.postMessage('go'))))
    );
    return { threads, verifyPerSec: results.reduce((a, { n, ms: t }) => a + (n * 1000) / t, 0) };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

export async function measureNative({ opensslSeconds = 3, cores = Math.min(2, cpus().length) } = {}) {
  const openssl1 = await opensslSpeed({ seconds: opensslSeconds, multi: 1 });
  const opensslN = await opensslSpeed({ seconds: opensslSeconds, multi: cores });
  const node1 = await nodeVerifyRate({ threads: 1 });
  const nodeN = await nodeVerifyRate({ threads: cores });
  return { cores, openssl1, opensslN, node1, nodeN };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureNative({ opensslSeconds: Number(process.argv[2] ?? 3) }), null, 2));
}
