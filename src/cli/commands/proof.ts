// atlas proof BUNDLE --seq N: a C2SP tlog-proof (c2sp.org/tlog-proof@v1) for event N against the
// newest checkpoint that covers it: the index, the RFC 9162 inclusion path (leaf sibling first),
// a blank line, then the checkpoint note verbatim with its cosignatures. The bundle is verified first.

import { parseArgs } from 'node:util';
import { fromUtf8 } from '../../lib/core/bytes';
import { formatTlogProof } from '../../lib/core/tlog-proof';
import { UsageError, registerCommand } from '../command';
import { bundleSource, intOption, runVerification } from '../bundle-run';

registerCommand({
  name: 'proof',
  summary: 'print a C2SP tlog-proof of event N against the newest checkpoint covering it',
  usage: 'atlas proof BUNDLE --seq N [--trust FILE]',
  async run(args, io) {
    let v;
    try {
      v = parseArgs({ args, allowPositionals: true, options: { seq: { type: 'string' }, trust: { type: 'string' } } });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (v.positionals.length !== 1) throw new UsageError('expected exactly one BUNDLE');
    const seq = intOption(v.values.seq, 'seq');
    if (seq === undefined) throw new UsageError('--seq N is required');
    const source = await bundleSource(v.positionals[0]!);
    const { report, index } = await runVerification(source, v.values.trust ? { trust: v.values.trust } : {});
    if (!report.ok || !index) {
      const f = report.failures[0]!;
      io.err(`atlas proof: the bundle does not verify: seq ${f.seq ?? '-'} ${f.code} ${f.message}`);
      return 1;
    }
    const cp = index.newestCheckpointCovering(seq);
    if (!cp) throw new UsageError(`--seq ${seq} is not covered by any checkpoint (log size ${index.size})`);
    const path = index.tree().inclusionProof(seq, cp.size);
    const checkpoint = fromUtf8(cp.note);
    if (checkpoint === null) throw new Error('internal: a verified checkpoint is not UTF-8');
    io.out(formatTlogProof({ index: seq, proof: path, checkpoint }).slice(0, -1));
    return 0;
  }
});
