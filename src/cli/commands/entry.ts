// atlas entry BUNDLE --seq N: the exact bytes of log entry N (the event line without its newline)
// to stdout, after verifying the bundle, so that SHA-256(0x00 || bytes) can be checked elsewhere.

import { UsageError, parseBundleArgs, registerCommand } from '../command';
import { bundleSource, intOption, verifiedIndex } from '../bundle-run';

registerCommand({
  name: 'entry',
  summary: 'write the exact bytes of log entry N to stdout (the bundle is verified first)',
  usage: 'atlas entry BUNDLE --seq N [--trust FILE]',
  async run(args, io) {
    const v = parseBundleArgs(args, { seq: { type: 'string' }, trust: { type: 'string' } });
    const seq = intOption(v.values.seq, 'seq');
    if (seq === undefined) throw new UsageError('--seq N is required');
    const source = await bundleSource(v.bundle);
    const index = await verifiedIndex('entry', source, v.values.trust, io.err);
    if (!index) return 1;
    if (seq >= index.size) throw new UsageError(`--seq ${seq} is outside the log (0..${index.size - 1})`);
    await io.write(await index.entry(source, seq));
    return 0;
  }
});
