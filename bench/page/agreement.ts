// Browser half of scripts/ed25519-agreement.ts: runs the WebCrypto backend (it must pass its
// known-answer probe, or the run fails) and the pure-JS backend over cases.json, both through
// core's `verify` (the §7 prechecks), plus the pure backend's batch check the signature workers
// use (verifyAllPure) and WebCrypto as they run it (verifyPackedKeyed), and leaves the verdict
// strings on window.__agreement.
import { fromHex } from '$lib/core/bytes';
import { pureBackend, verify, verifyAllPure, type Ed25519Backend } from '$lib/core/ed25519';
import { packSignatures, verifyPackedKeyed } from '$lib/core/signature-batch';
import { detectWebCryptoBackend } from '$lib/worker/ed25519-webcrypto';

type Out = { userAgent: string; results: Record<string, string>; error?: string };
const w = window as unknown as { __agreement?: Out };

async function run(): Promise<Out> {
  const raw = (await (await fetch('cases.json')).json()) as [string, string, string][];
  const cases = raw.map(([k, m, s]) => [fromHex(k)!, fromHex(m)!, fromHex(s)!] as const);
  const fast = await detectWebCryptoBackend();
  if (!fast) throw new Error('WebCrypto Ed25519 missing or failed its known-answer probe');
  const results: Record<string, string> = {};
  for (const b of [fast, pureBackend] as Ed25519Backend[]) {
    let v = '';
    for (const [k, m, s] of cases) {
      const r = verify(b, k, m, s);
      v += (typeof r === 'boolean' ? r : await r) ? '1' : '0';
    }
    results[b.name] = v;
  }
  // The pure backend as the signature workers run it: whole batches of 512 through verifyAllPure.
  let v = '';
  for (let o = 0; o < cases.length; o += 512) {
    const part = cases.slice(o, o + 512);
    for (const x of verifyAllPure(part.length, (i) => ({ key: part[i]![0], msg: part[i]![1], sig: part[i]![2] }))) v += x === 1 ? '1' : '0';
  }
  results['pure-batch'] = v;
  // WebCrypto as the signature workers run it: packed batches of 512 through verifyPackedKeyed.
  let k = '';
  for (let o = 0; o < cases.length; o += 512) {
    const p = packSignatures(cases.slice(o, o + 512).map(([key, msg, sig]) => ({ key, msg, sig })));
    for (const x of await verifyPackedKeyed(p, fast.keyed)) k += x === 1 ? '1' : '0';
  }
  results['webcrypto-keyed'] = k;
  return { userAgent: navigator.userAgent, results };
}

run().then(
  (out) => (w.__agreement = out),
  (e: unknown) => (w.__agreement = { userAgent: navigator.userAgent, results: {}, error: e instanceof Error ? e.message : String(e) })
);
