// C2SP tlog-policy as the bundle's trust (tlog-formats.md §1.5; BUNDLE_FORMAT.md §5): exactly one
// `log` line (the operator), `witness <name> <vkey>` lines (cosignature/v1 keys), `group <name>
// <k|all|any> <members…>` over earlier names, and one `quorum <name|none>`. '#' starts a comment.

import { parseVkey, type Vkey } from './note-check';

export interface TrustPolicy {
  log: Vkey;
  witnesses: Array<{ name: string; key: Vkey }>;
  groups: Map<string, { k: number; members: string[] }>;
  /** The quorum's name, or null for `quorum none`. */
  quorum: string | null;
  /** The quorum line as written, for display. */
  quorumText: string;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

export function parseTrustPolicy(text: string): TrustPolicy | string {
  let log: Vkey | null = null;
  const witnesses: TrustPolicy['witnesses'] = [];
  const groups: TrustPolicy['groups'] = new Map();
  const names = new Set<string>();
  let quorum: string | null | undefined;
  let quorumText = '';
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const f = line.split(/\s+/);
    const at = `line ${i + 1}`;
    switch (f[0]) {
      case 'log': {
        if (log) return `${at}: a second log line`;
        if (f.length < 2 || f.length > 3) return `${at}: log <vkey> [url]`;
        const k = parseVkey(f[1]!);
        if (typeof k === 'string') return `${at}: log vkey: ${k}`;
        if (k.type !== 0x01) return `${at}: the log key must be an Ed25519 note key (type 0x01)`;
        log = k;
        break;
      }
      case 'witness': {
        if (f.length < 3 || f.length > 4) return `${at}: witness <name> <vkey> [url]`;
        const name = f[1]!;
        if (!NAME.test(name) || names.has(name)) return `${at}: bad or repeated name ${JSON.stringify(name)}`;
        const k = parseVkey(f[2]!);
        if (typeof k === 'string') return `${at}: witness vkey: ${k}`;
        if (k.type !== 0x04) return `${at}: a witness key must be a cosignature/v1 key (type 0x04)`;
        if (witnesses.some((w) => w.key.name === k.name)) return `${at}: two witnesses share the key name ${k.name}`;
        names.add(name);
        witnesses.push({ name, key: k });
        break;
      }
      case 'group': {
        if (f.length < 4) return `${at}: group <name> <k|all|any> <members…>`;
        const name = f[1]!;
        if (!NAME.test(name) || names.has(name)) return `${at}: bad or repeated name ${JSON.stringify(name)}`;
        const members = f.slice(3);
        for (const m of members) if (!names.has(m)) return `${at}: ${m} is not defined on an earlier line`;
        if (new Set(members).size !== members.length) return `${at}: a member is listed twice`;
        const kw = f[2]!;
        const k = kw === 'all' ? members.length : kw === 'any' ? 1 : /^[1-9][0-9]*$/.test(kw) ? Number(kw) : NaN;
        if (!(k >= 1 && k <= members.length)) return `${at}: threshold ${kw} must be all, any or 1..${members.length}`;
        names.add(name);
        groups.set(name, { k, members });
        break;
      }
      case 'quorum':
        if (quorum !== undefined) return `${at}: a second quorum line`;
        if (f.length !== 2) return `${at}: quorum <name|none>`;
        if (f[1] !== 'none' && !names.has(f[1]!)) return `${at}: quorum ${f[1]} is not defined`;
        quorum = f[1] === 'none' ? null : f[1]!;
        quorumText = line;
        break;
      default:
        return `${at}: unknown keyword ${JSON.stringify(f[0])}`;
    }
  }
  if (!log) return 'no log line';
  if (quorum === undefined) return 'no quorum line';
  return { log, witnesses, groups, quorum, quorumText };
}

/** Whether the witnesses in `cosigned` (policy names) satisfy the policy's quorum. */
export function quorumMet(p: TrustPolicy, cosigned: ReadonlySet<string>): boolean {
  if (p.quorum === null) return true;
  const sat = (name: string): boolean => {
    const g = p.groups.get(name);
    if (!g) return cosigned.has(name);
    let n = 0;
    for (const m of g.members) if (sat(m)) n++;
    return n >= g.k;
  };
  return sat(p.quorum);
}
