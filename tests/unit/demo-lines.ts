// Every event line of the demo ledger (static/demo, made by `npm run demo` / `npm ci`), each as
// its own array: the corpus the envelope tests compare fast and reference paths on.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function demoLines(): Uint8Array[] {
  const dir = join(__dirname, '../../static/demo/segments');
  const out: Uint8Array[] = [];
  for (const f of readdirSync(dir).sort()) {
    const bytes = readFileSync(join(dir, f));
    let from = 0;
    for (let nl = bytes.indexOf(10); nl >= 0; nl = bytes.indexOf(10, from)) {
      out.push(new Uint8Array(bytes.subarray(from, nl)));
      from = nl + 1;
    }
  }
  return out;
}
