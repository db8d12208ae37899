// Where the e2e fixtures and oracle outputs live, and the two origins under test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The built site under test; its demo/ folder is the demo bundle the app serves. */
export const BUILD = process.env.E2E_BUILD_DIR ?? 'build';
export const DEMO = `${BUILD}/demo`;
export const FIXTURES = 'test-results/e2e-fixtures';
export const ORACLE = 'test-results/e2e-oracle';
const port = Number(process.env.E2E_PORT ?? 4173);
export const APP_ORIGIN = `http://127.0.0.1:${port}`;
/** The other origin that hosts test bundles (see playwright.config.ts). */
export const FIXTURE_ORIGIN = `http://127.0.0.1:${port + 1}`;

export function fixtureUrl(name: string): string {
  return `${FIXTURE_ORIGIN}/${name}/`;
}

export function oracle<T>(name: string): T {
  return JSON.parse(readFileSync(join(ORACLE, name), 'utf8')) as T;
}
