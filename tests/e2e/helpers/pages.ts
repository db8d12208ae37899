// Every page of the app, in one place (the a11y sweep and the CSP/offline checks use it).
// Ids for the dynamic pages are taken from the CLI's view of the demo, not hard-coded.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DEMO } from './paths';

export interface PageCase {
  name: string;
  path: string;
  /** Text that proves the page rendered its real content (not just the shell). */
  ready: RegExp;
}

interface AccountsJson {
  accounts?: Array<{ account: string; rewards: number }>;
}

function atlasJson<T>(args: string[]): T {
  let out: string;
  try {
    out = execFileSync('node', ['bin/atlas.mjs', ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    out = (e as { stdout?: string }).stdout ?? '';
  }
  return JSON.parse(out) as T;
}

/** An account with rewards, a published cid and a policy version from the demo. */
export function demoIds(): { account: string; cid: string; version: string; seq: number } {
  const acc = atlasJson<AccountsJson | Array<{ account: string; rewards: number }>>(['accounts', DEMO, '--json', '--trust', `${DEMO}/trust.json`]);
  const list = Array.isArray(acc) ? acc : (acc.accounts ?? []);
  const account = list.find((a) => a.rewards > 0 && a.account.startsWith('u-'))?.account ?? list[0]!.account;
  const manifest = JSON.parse(readFileSync(`${DEMO}/manifest.json`, 'utf8')) as { content: Array<{ cid: string }>; events: number };
  // The first policy.activate event names the first policy version.
  const seg0 = readFileSync(`${DEMO}/segments/000000.ndjson`, 'utf8').split('\n');
  const activation = seg0.map((l) => (l ? (JSON.parse(l) as { type: string; payload: { version?: string } }) : null)).find((e) => e?.type === 'policy.activate');
  const version = activation?.payload.version ?? '';
  return { account, cid: manifest.content[0]!.cid, version, seq: Math.floor(manifest.events / 2) };
}

export function allPages(): PageCase[] {
  const ids = demoIds();
  return [
    { name: 'overview', path: '/', ready: /All [\d,]+ events check out/ },
    { name: 'drift', path: '/drift/', ready: /recomputed values differ/ },
    { name: 'audit', path: '/audit/', ready: /Tree size/ },
    { name: 'qfs', path: '/qfs/', ready: /No files checked yet/ },
    { name: 'account', path: `/account/${encodeURIComponent(ids.account)}/`, ready: new RegExp(ids.account) },
    { name: 'proof', path: `/proof/${ids.seq}/`, ready: /tlog-proof|inclusion|Inclusion/ },
    { name: 'content', path: `/content/${ids.cid}/`, ready: /[Rr]anking|[Pp]lacement/ },
    { name: 'policy', path: `/policy/${ids.version}/`, ready: /[Pp]olicy/ }
  ];
}
