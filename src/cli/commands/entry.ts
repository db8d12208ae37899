// atlas entry BUNDLE --seq N: the exact bytes of log entry N (the event line without its newline)
// to stdout, after verifying the bundle, so that SHA-256(0x00 || bytes) can be checked elsewhere.

import { parseArgs } from 'node:util';
import { UsageError, registerCommand } from '../command';
import { bundleSource, intOption, runVerification } from '../bundle-run';

registerCommand({
  name: 'entry',
  summary: 'write the exact bytes of log entry N to stdout (the bundle is verified first)',
  usage: 'atlas entry BUNDLE --seq N [--trust FILE]',
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
      io.err(`atlas entry: the bundle does not verify: seq ${f.seq ?? '-'} ${f.code} ${f.message}`);
      return 1;
    }
    if (seq >= index.size) throw new UsageError(`--seq ${seq} is outside the log (0..${index.size - 1})`);
    await io.write(await index.entry(source, seq));
    return 0;
  }
});
