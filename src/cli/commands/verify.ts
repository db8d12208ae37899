// atlas verify BUNDLE [--json] [--audit] [--trust FILE] [--threads N]
// BUNDLE is a bundle directory, its manifest.json or an http(s) URL. Any other file is a QFS
// artifact and goes to the QFS verifier. --threads N: signature worker_threads (default: the
// number of cores; 0 verifies signatures on the main thread). Reports are identical either way.

import { availableParallelism } from 'node:os';
import { formatReport } from '../../lib/core/report';
import { parseBundleArgs, registerCommand } from '../command';
import { intOption, readTrustFile, runVerification } from '../bundle-run';
import { openBundle } from '../node-source';
import { verifyFile } from '../file-verifiers';

registerCommand({
  name: 'verify',
  summary: 'verify a ledger bundle (directory, manifest.json or http(s) URL) or a QFS artifact file',
  usage: 'atlas verify BUNDLE [--json] [--audit] [--trust FILE] [--threads N] [--authenticity-only]',
  async run(args, io) {
    const v = parseBundleArgs(args, { json: { type: 'boolean' }, audit: { type: 'boolean' }, trust: { type: 'string' }, threads: { type: 'string' }, 'authenticity-only': { type: 'boolean' }, quiet: { type: 'boolean' } });
    const arg = v.bundle;
    const loc = await openBundle(arg);
    if (loc.kind === 'file') return verifyFile(loc.path, { json: v.values.json === true }, io);
    if (v.values.trust) await readTrustFile(v.values.trust); // usage errors before any work
    const threads = intOption(v.values.threads, 'threads') ?? availableParallelism();
    const tty = process.stderr.isTTY && !v.values.quiet;
    const started = process.hrtime.bigint();
    const { report } = await runVerification(loc.source, {
      ...(v.values.trust ? { trust: v.values.trust } : {}),
      audit: v.values.audit === true,
      threads,
      economy: v.values['authenticity-only'] ? 'authenticity-only' : 'replay',
      ...(tty ? { progress: (p) => p.stage === 'verify' && process.stderr.write(`\rverifying ${p.eventsDone}/${p.eventsTotal} events`) } : {})
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (v.values.json) io.out(JSON.stringify(report));
    else io.out(`${formatReport(report)}\ntime ${seconds.toFixed(2)} s`);
    return report.ok ? 0 : 1;
  }
});
