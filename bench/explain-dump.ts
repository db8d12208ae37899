// Every explanation the app can produce for a bundle, one JSON line each, for checking that a
// change to the economy replay (issue 7: packing, recomputation on demand) keeps every value
// byte-identical. Verifies the bundle in this thread (node:crypto Ed25519 and SHA-256), then dumps:
// the verify report (with the replay/drift section), replayer.report(), accounts(), every
// account's reward explanation at every epoch (plus rewardLine/epochRewards), every content
// item's ranking explanation at every epoch, every placement explanation, epochRanking() of each
// epoch, and verifyContentBytes() for every content file the bundle ships.
//
//   node bench/run-ts.mjs bench/explain-dump.ts DIR OUT [--every K]
//
// --every K: only every K-th account and content item (sorted) for large ledgers (e.g. 100k with
// --every 20). Prints the line count and the SHA-256 of OUT; diff two dumps with `cmp`.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verifyBundleSource } from '../src/lib/core/bundle-verifier';
import { Replayer } from '../src/lib/core/economy/replayer';
import { useSha256Backend } from '../src/lib/core/hash';
import { ContentReader, parseManifest } from '../src/lib/core/manifest';
import { sequentialVerifier } from '../src/lib/core/report';
import { nodeBackend } from '../src/cli/ed25519-node';
import { FsSource } from '../src/cli/node-source';
import { nodeSha256Backend } from '../src/cli/sha256-node';

const args = process.argv.slice(2);
let every = 1;
const k = args.indexOf('--every');
if (k >= 0) {
  every = Number(args[k + 1]);
  args.splice(k, 2);
}
const [dir, outPath] = args;
if (!dir || !outPath || !(every >= 1)) {
  console.error('usage: explain-dump.ts DIR OUT [--every K]');
  process.exit(2);
}

useSha256Backend(nodeSha256Backend);
let replayer: Replayer | null = null;
const { report } = await verifyBundleSource(new FsSource(dir), {
  signatures: sequentialVerifier(nodeBackend),
  replayer: (identity) => (replayer = new Replayer(identity)),
  mode: 'audit'
});
const r = replayer as Replayer | null;
if (!r) throw new Error('no replayer (manifest or trust refused)');

const out = createWriteStream(outPath);
const hash = createHash('sha256');
let lines = 0;
const big = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? [...v] : v instanceof Set ? [...v] : v);
const put = (tag: string, v: unknown): void => {
  const s = `${tag} ${JSON.stringify(v, big)}\n`;
  hash.update(s);
  out.write(s);
  lines++;
};

put('report', report);
put('replay', r.report());
const accounts = r.accounts();
put('accounts', accounts);
const last = r.lastEpoch();
const pick = <T>(xs: T[]): T[] => xs.filter((_, i) => i % every === 0);
for (let e = 0; e <= last; e++) {
  put(`epochRewards ${e}`, r.epochRewards(e));
  put(`epochRanking ${e}`, r.epochRanking(e));
}
for (const { account } of pick(accounts)) {
  for (let e = 0; e <= last + 1; e++) {
    put(`reward ${account} ${e}`, r.explainReward(account, e));
    put(`line ${account} ${e}`, r.rewardLine(account, e));
  }
}
const cids = [...r.contents.keys()].sort();
for (const cid of pick(cids)) {
  for (let e = 0; e <= last + 1; e++) put(`ranking ${cid} ${e}`, r.explainRanking(cid, e));
  put(`placement ${cid}`, r.explainPlacement(cid));
}
const m = parseManifest(new Uint8Array(await readFile(join(dir, 'manifest.json'))));
const items = new ContentReader(async (path) => new Uint8Array(await readFile(join(dir, path))));
if (m.ok) for (const c of pick(m.manifest.content)) put(`bytes ${c.cid}`, r.verifyContentBytes(c.cid, await items.bytes(c)));
await new Promise<void>((res) => out.end(res));
console.log(`${lines} lines, sha256 ${hash.digest('hex')} -> ${outPath}`);
