// atlas drift BUNDLE [--json]: per epoch, how many recomputed values (rewards, pool totals,
// rankings, placements, storage proofs, policy hashes, state roots) were compared with the ledger
// and how many differ, as a percentage with two decimals; then every differing value with both
// numbers and its seq; then the fragments of every shipped content item, re-derived from its bytes.
// Exit 1 when anything differs (or the bundle does not verify).

import { ContentReader } from '../../lib/core/manifest';
import { parseBundleArgs, registerCommand } from '../command';
import { loadReplay } from './explain';

registerCommand({
  name: 'drift',
  summary: 'compare every recomputed economy value with the ledger, per epoch (exit 1 on any drift)',
  usage: 'atlas drift BUNDLE [--json] [--trust FILE]',
  async run(args, io) {
    const v = parseBundleArgs(args, { json: { type: 'boolean' }, trust: { type: 'string' } });
    const l = await loadReplay(v.bundle, v.values.trust, io.err);
    if (!l) return 1;
    const rep = l.replayer.report();
    // Shipped content bytes: re-derive every placed item's fragments and compare (§10.4).
    const content: Array<{ cid: string; ok: boolean; message: string }> = [];
    // A pack (§6.1) is read once for the run of its items.
    const items = new ContentReader((p) => l.source.read(p));
    for (const ref of l.index.manifest.content) {
      if (!l.replayer.placements.has(ref.cid)) continue;
      const found = l.replayer.verifyContentBytes(ref.cid, await items.bytes(ref));
      content.push({ cid: ref.cid, ok: found.length === 0, message: found.map((f) => `${f.code} ${f.message}`).join('; ') });
    }
    const contentBad = content.filter((c) => !c.ok);
    const bad = rep.differing > 0 || !l.report.ok || contentBad.length > 0;
    if (v.values.json) {
      io.out(JSON.stringify({ ok: !bad, verified: l.report.ok, failures: l.report.failures.length, ...rep, content: { checked: content.length, differing: contentBad } }));
      return bad ? 1 : 0;
    }
    const lines = ['epoch   compared   differing    drift'];
    for (const e of rep.epochs) lines.push(`${String(e.epoch).padStart(5)}   ${String(e.compared).padStart(8)}   ${String(e.differing).padStart(9)}   ${e.percent.padStart(6)}%`);
    lines.push(`total   ${String(rep.compared).padStart(8)}   ${String(rep.differing).padStart(9)}   ${rep.percent.padStart(6)}%`);
    const unbalanced = rep.closes.filter((c) => !c.balanced);
    lines.push(unbalanced.length ? `pool: distributed + remainder ≠ pool in epoch(s) ${unbalanced.map((c) => c.epoch).join(', ')}` : `pool: distributed + remainder = pool in all ${rep.closes.length} closed epochs`);
    lines.push(contentBad.length ? `content bytes: ${contentBad.length} of ${content.length} shipped items do not give their recorded fragments` : `content bytes: all ${content.length} shipped items re-derive to their recorded fragments`);
    for (const c of contentBad.slice(0, 20)) lines.push(`  ${c.message}`);
    if (rep.drift.length) {
      lines.push('', 'differing values:');
      for (const d of rep.drift.slice(0, 50)) lines.push(`  seq ${d.seq}  epoch ${d.epoch}  ${d.kind} ${d.subject}  ${d.code}\n      recorded   ${d.recorded || '-'}\n      recomputed ${d.recomputed || '-'}`);
      if (rep.drift.length > 50) lines.push(`  … ${rep.drift.length - 50} more (use --json)`);
    }
    if (!l.report.ok) lines.push('', `the bundle does not fully verify (${l.report.failures.length} failure(s); atlas verify --audit lists them)`);
    io.out(lines.join('\n'));
    return bad ? 1 : 0;
  }
});
