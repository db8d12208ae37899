// atlas proof BUNDLE --seq N: a C2SP tlog-proof (c2sp.org/tlog-proof@v1) for event N against the
// newest checkpoint that covers it: the index, the RFC 9162 inclusion path (leaf sibling first),
// a blank line, then the checkpoint note verbatim with its cosignatures. The bundle is verified first.

import { fromUtf8 } from '../../lib/core/bytes';
import { formatTlogProof } from '../../lib/core/tlog-proof';
import { UsageError, parseBundleArgs, registerCommand } from '../command';
import { bundleSource, intOption, verifiedIndex } from '../bundle-run';

registerCommand({
  name: 'proof',
  summary: 'print a C2SP tlog-proof of event N against the newest checkpoint covering it',
  usage: 'atlas proof BUNDLE --seq N [--trust FILE]',
  async run(args, io) {
    const v = parseBundleArgs(args, { seq: { type: 'string' }, trust: { type: 'string' } });
    const seq = intOption(v.values.seq, 'seq');
    if (seq === undefined) throw new UsageError('--seq N is required');
    const source = await bundleSource(v.bundle);
    const index = await verifiedIndex('proof', source, v.values.trust, io.err);
    if (!index) return 1;
    const cp = index.newestCheckpointCovering(seq);
    if (!cp) throw new UsageError(`--seq ${seq} is not covered by any checkpoint (log size ${index.size})`);
    const { proof: path } = await index.inclusion(source, seq, cp.size);
    const checkpoint = fromUtf8(cp.note);
    if (checkpoint === null) throw new Error('internal: a verified checkpoint is not UTF-8');
    io.out(formatTlogProof({ index: seq, proof: path, checkpoint }).slice(0, -1));
    return 0;
  }
});
