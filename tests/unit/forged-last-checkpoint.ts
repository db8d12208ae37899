// A bundle whose newest checkpoint carries a forged operator signature: the log itself is intact, but
// no verified checkpoint covers its last epoch. Shared by the evidence tests (core and worker).
import { TamperSource, type TamperResult } from '../../src/issuer/tamper';

export function forgeLastCheckpoint(source: TamperSource): TamperResult & { previousSize: number } {
  const cps = source.bundle.manifest()['checkpoints'] as Array<{ path: string; size: number }>;
  const last = cps[cps.length - 1]!;
  // The tamper kind picks its checkpoint from its seed: take the first seed that picks the last one.
  for (let seed = 1; seed < 200; seed++) {
    const t = source.tamper('checkpoint-forged-sig', seed);
    // By seq: the notes of a pack (§6.1) share their file.
    if (t.expected.file === last.path && t.expected.seq === last.size - 1) return { ...t, previousSize: cps[cps.length - 2]!.size };
  }
  throw new RangeError(`no seed below 200 forges ${last.path}`);
}
