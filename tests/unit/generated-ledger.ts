// A ledger generated once per test file (beforeAll) into a temporary directory removed afterwards
// (afterAll), loaded as a TamperSource: the honest bundle and its tampered variants.
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateBundle } from '../../src/issuer/generate';
import { TamperSource } from '../../src/issuer/tamper';

/** Registers the hooks; `loaded` receives the source (and the temporary directory) before the tests run. */
export function useGeneratedLedger(seed: string, events: number, loaded: (source: TamperSource, dir: string) => void): void {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `atlas-${seed}-`));
    await generateBundle({ out: join(dir, 'ledger'), events, seed });
    loaded(await TamperSource.loadGenerated(join(dir, 'ledger'), seed), dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
}
