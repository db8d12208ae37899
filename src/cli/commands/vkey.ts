// atlas vkey BUNDLE [--trust FILE]: the operator's signed-note verifier key (the `log` line of the
// trust policy), for checking checkpoints with other tools (e.g. golang.org/x/mod/sumdb/note).

import { parseManifest } from '../../lib/core/manifest';
import { parseTrustPolicy } from '../../lib/core/trust-policy';
import { parseBundleArgs, registerCommand } from '../command';
import { bundleSource, readTrustFile } from '../bundle-run';

registerCommand({
  name: 'vkey',
  summary: "print the operator's signed-note verifier key",
  usage: 'atlas vkey BUNDLE [--trust FILE]',
  async run(args, io) {
    const v = parseBundleArgs(args, { trust: { type: 'string' } });
    let policyText: string;
    if (v.values.trust) policyText = (await readTrustFile(v.values.trust)).policy;
    else {
      const m = parseManifest(await (await bundleSource(v.bundle)).manifest());
      if (!m.ok) {
        io.err(`atlas vkey: ${m.finding.message}`);
        return 1;
      }
      policyText = m.manifest.trust.policy;
    }
    const p = parseTrustPolicy(policyText);
    if (!p.ok) {
      io.err(`atlas vkey: trust policy: ${p.message}`);
      return 1;
    }
    for (const l of p.value.logs) io.out(l.vkeyText);
    return 0;
  }
});
