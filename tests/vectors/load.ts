// Shared helpers for the third-party vector tests: files are read from tests/vectors/<folder>/,
// copies of /work/shared/vectors with their READMEs (tests never read the shared folder).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS = dirname(fileURLToPath(import.meta.url));

export function readJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(join(VECTORS, ...parts), 'utf8')) as T;
}

export function readText(...parts: string[]): string {
  return readFileSync(join(VECTORS, ...parts), 'utf8');
}

/** Every *.json file below a folder, as [relative path, parsed value], sorted by path. */
export function jsonFilesUnder<T = unknown>(...parts: string[]): [string, T][] {
  const root = join(VECTORS, ...parts);
  const out: [string, T][] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.json')) out.push([relative(root, p), JSON.parse(readFileSync(p, 'utf8')) as T]);
    }
  };
  walk(root);
  return out;
}

export function b64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}

export function hex(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}
