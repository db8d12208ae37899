// atlas accounts BUNDLE [--json]: every account of the replayed ledger (users and the treasury)
// with its reward count and replayed balance, so a user can find theirs and then run
// `atlas explain BUNDLE --account ID --epoch E`.

import { displayAmount, parseAmount } from '../../lib/core/amount';
import { parseBundleArgs, registerCommand } from '../command';
import { loadReplay } from './explain';

registerCommand({
  name: 'accounts',
  summary: 'list the accounts with their reward count and replayed balance',
  usage: 'atlas accounts BUNDLE [--json] [--trust FILE]',
  async run(args, io) {
    const v = parseBundleArgs(args, { json: { type: 'boolean' }, trust: { type: 'string' } });
    const l = await loadReplay(v.bundle, v.values.trust, io.err);
    if (!l) return 1;
    const accounts = l.replayer.accounts();
    if (v.values.json) io.out(JSON.stringify(accounts));
    else {
      const lines = [`${'account'.padEnd(12)} ${'rewards'.padStart(7)}   ${'balance'.padStart(24)}`];
      for (const a of accounts) lines.push(`${a.account.padEnd(12)} ${String(a.rewards).padStart(7)}   ${displayAmount(parseAmount(a.total)).padStart(24)}`);
      lines.push(`${accounts.length} accounts; explain one with: atlas explain BUNDLE --account ID --epoch E`);
      io.out(lines.join('\n'));
    }
    return l.report.ok ? 0 : 1;
  }
});
