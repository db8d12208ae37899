// e2e setup: the oracle figures come from the CLI (`atlas verify/drift --json`) on the same
// bundles the browser opens, computed here rather than hard-coded. Test bundles are written to
// test-results/e2e-fixtures/, which the second static server (another origin) serves:
//   older/      the demo ledger's issuer (seed 7) with fewer events: an older checkpoint (rollback)
//   tampered/   older/ with one reward.allocate amount changed and re-signed by the operator
//   huge-line/  older/ with a 70,000-byte first line (over the 65,535-byte event limit)
//   absurd/     older/ whose manifest claims absurd sizes
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { TamperSource } from '../../../src/issuer/tamper';
import { BUILD, DEMO, FIXTURES, ORACLE } from './paths';

function atlas(args: string[], okCodes = [0]): string {
  try {
    return execFileSync('node', ['bin/atlas.mjs', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    const err = e as { status?: number; stdout?: string };
    if (err.status !== undefined && okCodes.includes(err.status) && err.stdout) return err.stdout;
    throw e;
  }
}

export default async function globalSetup(): Promise<void> {
  if (!existsSync(`${BUILD}/index.html`)) throw new Error(`e2e: ${BUILD}/ is missing: run \`npm run build\` first`);
  if (!existsSync(`${DEMO}/manifest.json`)) throw new Error(`e2e: ${DEMO} is missing: run \`npm run demo\` before \`npm run build\``);
  mkdirSync(FIXTURES, { recursive: true });
  mkdirSync(ORACLE, { recursive: true });

  // The demo, as the CLI sees it with the same pinned trust the app uses.
  writeFileSync(join(ORACLE, 'demo-verify.json'), atlas(['verify', DEMO, '--json', '--trust', `${DEMO}/trust.json`]));
  writeFileSync(join(ORACLE, 'demo-drift.json'), atlas(['drift', DEMO, '--json', '--trust', `${DEMO}/trust.json`], [0, 1]));

  // Regenerated every run: the issuer and the replay evolve together, so a bundle left over from an
  // older build of the CLI would not be the same ledger.
  const older = join(FIXTURES, 'older');
  rmSync(older, { recursive: true, force: true });
  atlas(['generate', '--out', older, '--events', '3000', '--seed', '7', '--quiet']);

  writeFileSync(join(ORACLE, 'older-verify.json'), atlas(['verify', older, '--json', '--trust', `${DEMO}/trust.json`]));

  const tampered = join(FIXTURES, 'tampered');
  rmSync(tampered, { recursive: true, force: true });
  const src = await TamperSource.loadGenerated(older, 7);
  const t = src.tamper('amount-resigned', 1);
  await t.bundle.save(tampered);
  writeFileSync(join(ORACLE, 'tampered-expected.json'), JSON.stringify({ expected: t.expected, detail: t.detail }));
  writeFileSync(join(ORACLE, 'tampered-drift.json'), atlas(['drift', tampered, '--json', '--trust', `${DEMO}/trust.json`], [0, 1]));
  writeFileSync(join(ORACLE, 'tampered-verify.json'), atlas(['verify', tampered, '--json', '--audit', '--trust', `${DEMO}/trust.json`], [0, 1]));

  // Hostile: one event line far over the limit (the manifest still lists the old hash and size).
  const huge = join(FIXTURES, 'huge-line');
  rmSync(huge, { recursive: true, force: true });
  cpSync(older, huge, { recursive: true });
  const seg = join(huge, 'segments', '000000.ndjson');
  const body = readFileSync(seg);
  const firstNl = body.indexOf(0x0a);
  writeFileSync(seg, Buffer.concat([Buffer.from(`{"pad":"${'x'.repeat(70_000)}"}`), body.subarray(firstNl)]));

  // Hostile: a manifest claiming absurd sizes and counts.
  const absurd = join(FIXTURES, 'absurd');
  rmSync(absurd, { recursive: true, force: true });
  cpSync(older, absurd, { recursive: true });
  const m = JSON.parse(readFileSync(join(absurd, 'manifest.json'), 'utf8')) as { events: number; segments: Array<{ bytes: number; count: number }> };
  m.events = Number.MAX_SAFE_INTEGER;
  for (const s of m.segments) {
    s.bytes = 2 ** 52;
    s.count = 2 ** 40;
  }
  writeFileSync(join(absurd, 'manifest.json'), JSON.stringify(m));
}
