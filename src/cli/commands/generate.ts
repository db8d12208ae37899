// atlas generate --out DIR --events N --seed S: the reference issuer (src/issuer/). Writes a
// complete bundle and DIR/trust.json (the trust to pin). Progress on stderr.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateBundle } from '../../issuer/generate';
import { contentFiles, packedFiles } from '../../lib/core/manifest';
import { UsageError, registerCommand } from '../command';
import { intOption } from '../bundle-run';

registerCommand({
  name: 'generate',
  summary: 'write a reproducible signed ledger bundle (reference issuer)',
  usage: 'atlas generate --out DIR --events N --seed S',
  async run(args, io) {
    let v;
    try {
      v = parseArgs({ args, allowPositionals: false, options: { out: { type: 'string' }, events: { type: 'string' }, seed: { type: 'string' }, quiet: { type: 'boolean' } } });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const out = v.values.out;
    const events = intOption(v.values.events, 'events');
    const seed = v.values.seed;
    if (!out || events === undefined || seed === undefined) throw new UsageError('--out, --events and --seed are required');
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(seed)) throw new UsageError('--seed must be 1–64 characters of [A-Za-z0-9._-]');
    const started = process.hrtime.bigint();
    let res;
    try {
      res = await generateBundle({
        out,
        events,
        seed,
        onProgress: v.values.quiet ? undefined : (done, total) => io.err(`generate: ${done}/${total} events`)
      });
    } catch (e) {
      if (e instanceof RangeError) throw new UsageError(e.message);
      throw e;
    }
    writeFileSync(join(out, 'trust.json'), `${JSON.stringify(res.trust, null, 2)}\n`);
    const s = res.stats;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const packFiles = contentFiles(res.manifest.content).files.length;
    const noteFiles = packedFiles(res.manifest.checkpoints).files.length;
    io.err(`generate: wrote ${out}: ${res.manifest.events} events in ${s.epochs} epochs (checkpoint notes in ${noteFiles} file${noteFiles === 1 ? '' : 's'}), ${res.manifest.segments.length} segments, ${s.users} users, ${s.nodes} nodes, ${s.content} content items (${s.contentFiles} shipped in ${packFiles} file${packFiles === 1 ? '' : 's'}), ${s.policies} policies, ${s.revocations} revocations; ${seconds.toFixed(2)} s`);
    return 0;
  }
});
