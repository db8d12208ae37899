// The corruptions of Drill B ("Bad Actor", issue 6). Each takes a valid bundle, a seeded random
// source and the key ring, applies exactly one corruption at a randomly chosen place, and returns
// the finding a correct verifier must report first: its seq, code and (for file-level failures)
// file. Where the corruption is inside a segment, the manifest's length and SHA-256 are updated
// (BundleFiles does this) so that the segment check does not fire first, except for the two kinds
// that test the segment checks themselves.

import { formatAmount, parseAmount } from '../../lib/core/amount';
import { canonicalBytes, type Json } from '../../lib/core/canonical-json';
import { fromBase64, toBase64, toHex } from '../../lib/core/bytes';
import { sha256Hex } from '../../lib/core/hash';
import { L } from '../../lib/core/scalar25519';
import type { Envelope, FindingCode } from '../../lib/core/types';
import type { BundleFiles, NoteRef } from './bundle-files';
import { formatNote, parseNote, resignNote, withRoot } from './note-edit';
import type { SeededRandom } from './random';
import { resignEnvelope, signBytes, signEnvelopeWith, type KeyRing } from './signing';

export interface Expected {
  seq: number;
  code: FindingCode;
  file?: string;
}

export interface TamperContext {
  bundle: BundleFiles;
  rng: SeededRandom;
  keys: KeyRing;
  /** All envelopes of the untouched bundle, in order (parsed once per bundle). */
  events: readonly Envelope[];
}

export interface Corruption {
  expected: Expected;
  /** One line saying what was changed, for the drill's log. */
  detail: string;
}

// ------------------------------------------------------------------------------------------------
// helpers

/** Seqs whose event matches `pred`; a drill cannot run a kind the ledger has no events for. */
function candidates(ctx: TamperContext, pred: (e: Envelope, seq: number) => boolean): number[] {
  const out: number[] = [];
  ctx.events.forEach((e, i) => {
    if (pred(e, i)) out.push(i);
  });
  if (out.length === 0) throw new RangeError('the ledger has no event this corruption applies to');
  return out;
}

const payloadOf = (e: Envelope): { [k: string]: Json } => e.payload as { [k: string]: Json };
const AMOUNT = /^(0|[1-9][0-9]*)\.[0-9]{18}$/;

/** The payload field of a reward.allocate that holds its amount (the first BigNum128 string). */
function amountField(e: Envelope): string | null {
  const p = payloadOf(e);
  for (const k of ['amount', ...Object.keys(p).sort()]) if (typeof p[k] === 'string' && AMOUNT.test(p[k])) return k;
  return null;
}

/** The same envelope with its reward amount moved by one atto-unit (down if it can, else up). */
function bumpAmount(e: Envelope): { env: Envelope; from: string; to: string } {
  const k = amountField(e);
  if (!k) throw new TypeError(`reward.allocate at seq ${e.seq} has no amount field`);
  const from = payloadOf(e)[k] as string;
  const v = parseAmount(from);
  const to = formatAmount(v > 0n ? v - 1n : v + 1n);
  return { env: { ...e, payload: { ...payloadOf(e), [k]: to } }, from, to };
}

function scalarLE(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

/** The first seq of each segment, with its file. */
function segmentStarts(b: BundleFiles): { file: string; first: number; count: number }[] {
  let base = 0;
  return b.segments().map((s) => {
    const count = b.lines(s.file).length;
    const r = { file: s.file, first: base, count };
    base += count;
    return r;
  });
}


// ------------------------------------------------------------------------------------------------
// the kinds

/** A bit flipped in an event's signature (in S, keeping S < L so the signature stays well formed). */
export function sigBitflip(ctx: TamperContext): Corruption {
  const seq = ctx.rng.int(ctx.events.length);
  const e = ctx.events[seq]!;
  const sig = fromBase64(e.sig)!;
  for (;;) {
    const byte = 32 + ctx.rng.int(31);
    const bit = ctx.rng.int(8);
    const flipped = sig.slice();
    flipped[byte]! ^= 1 << bit;
    if (scalarLE(flipped.subarray(32)) >= L) continue;
    ctx.bundle.setEnvelope(seq, { ...e, sig: toBase64(flipped) });
    return { expected: { seq, code: 'sig.invalid' }, detail: `flipped bit ${bit} of signature byte ${byte} at seq ${seq} (${e.type})` };
  }
}

/** A reward amount changed, the operator's signature left as it was. */
export function amountStaleSig(ctx: TamperContext): Corruption {
  const seq = ctx.rng.pick(candidates(ctx, (e) => e.type === 'reward.allocate'));
  const { env, from, to } = bumpAmount(ctx.events[seq]!);
  ctx.bundle.setEnvelope(seq, env);
  return { expected: { seq, code: 'sig.invalid' }, detail: `reward at seq ${seq}: ${from} -> ${to}, signature not renewed` };
}

/** A reward amount changed and re-signed with the operator's real key: only the replay can tell. */
export function amountResigned(ctx: TamperContext): Corruption {
  const seq = ctx.rng.pick(candidates(ctx, (e) => e.type === 'reward.allocate'));
  const { env, from, to } = bumpAmount(ctx.events[seq]!);
  ctx.bundle.setEnvelope(seq, resignEnvelope(env, ctx.keys));
  return { expected: { seq, code: 'reward.mismatch' }, detail: `reward at seq ${seq}: ${from} -> ${to}, re-signed by the operator` };
}

/** A user-authored payload field changed (a content title or an engagement signal), stale signature. */
export function payloadField(ctx: TamperContext): Corruption {
  const seq = ctx.rng.pick(candidates(ctx, (e) => e.type === 'content.publish' || e.type === 'engagement'));
  const e = ctx.events[seq]!;
  const p = payloadOf(e);
  let field: string;
  let to: Json;
  if (e.type === 'content.publish') {
    field = 'title';
    to = String(p['title']) + '!';
  } else {
    field = 'signal';
    const signals = ['view', 'like', 'share', 'comment'].filter((s) => s !== p['signal']);
    to = ctx.rng.pick(signals);
  }
  ctx.bundle.setEnvelope(seq, { ...e, payload: { ...p, [field]: to } });
  return { expected: { seq, code: 'sig.invalid' }, detail: `${e.type} at seq ${seq}: payload.${field} ${JSON.stringify(p[field])} -> ${JSON.stringify(to)}` };
}

/** Two adjacent events swapped (lines exchanged, nothing re-signed). */
export function swap(ctx: TamperContext): Corruption {
  const starts = segmentStarts(ctx.bundle).filter((s) => s.count >= 2);
  const seg = ctx.rng.pick(starts);
  const seq = seg.first + ctx.rng.int(seg.count - 1);
  const a = ctx.bundle.locate(seq);
  const lines = ctx.bundle.lines(a.file);
  const first = lines[a.index]!;
  ctx.bundle.setLine(seq, lines[a.index + 1]!);
  ctx.bundle.setLine(seq + 1, first);
  return { expected: { seq, code: 'seq.gap' }, detail: `events ${seq} and ${seq + 1} swapped in ${a.file}` };
}

/** One event removed. */
export function remove(ctx: TamperContext): Corruption {
  const seq = ctx.rng.int(ctx.events.length - 1);
  ctx.bundle.removeLine(ctx.bundle.locate(seq));
  return { expected: { seq, code: 'seq.gap' }, detail: `event ${seq} (${ctx.events[seq]!.type}) removed` };
}

/** One event duplicated: its copy follows it, so the copy occupies seq + 1. */
export function duplicate(ctx: TamperContext): Corruption {
  const seq = ctx.rng.int(ctx.events.length - 1);
  const ref = ctx.bundle.locate(seq);
  const line = ctx.bundle.lines(ref.file)[ref.index]!;
  ctx.bundle.insertLine({ file: ref.file, index: ref.index + 1 }, line.slice());
  return { expected: { seq: seq + 1, code: 'seq.duplicate' }, detail: `event ${seq} (${ctx.events[seq]!.type}) duplicated; the copy is at position ${seq + 1}` };
}

/**
 * An event re-signed with another key that is valid in the ledger (another role's pinned key),
 * the signer name unchanged and the other key presented in `key`: the signature verifies, but the
 * key is not the one registered for the signer.
 */
export function resignOtherKey(ctx: TamperContext): Corruption {
  const held = new Set(ctx.keys.publicKeys());
  const seq = ctx.rng.pick(candidates(ctx, (e) => held.has(e.key) && ctx.events.some((o) => o.key !== e.key && held.has(o.key))));
  const e = ctx.events[seq]!;
  const others = [...new Set(ctx.events.filter((o) => o.key !== e.key && held.has(o.key)).map((o) => o.key))].sort();
  const other = ctx.rng.pick(others);
  ctx.bundle.setEnvelope(seq, signEnvelopeWith(e, ctx.keys.secretFor(other), other));
  return { expected: { seq, code: 'signer.key-mismatch' }, detail: `${e.type} at seq ${seq} (signer ${e.signer}) re-signed with another valid key ${other}` };
}

/** An operator event re-signed by governance, which presents itself honestly as the signer. */
export function resignOtherRole(ctx: TamperContext): Corruption {
  const gov = ctx.events.find((e) => e.signer === 'governance');
  if (!gov) throw new RangeError('no governance-signed event to take the key from');
  const seq = ctx.rng.pick(candidates(ctx, (e) => e.signer === 'operator' && e.type !== 'epoch.close'));
  const e = { ...ctx.events[seq]!, signer: 'governance' };
  ctx.bundle.setEnvelope(seq, signEnvelopeWith(e, ctx.keys.secretFor(gov.key), gov.key));
  return { expected: { seq, code: 'signer.unauthorized' }, detail: `${e.type} at seq ${seq} signed by governance instead of the operator` };
}

/** An event whose seq field is wrong, correctly signed by its author. */
export function wrongSeq(ctx: TamperContext): Corruption {
  const held = new Set(ctx.keys.publicKeys());
  const seq = ctx.rng.pick(candidates(ctx, (e, i) => held.has(e.key) && i > 0));
  const e = ctx.events[seq]!;
  const to = seq + 2 + ctx.rng.int(5);
  ctx.bundle.setEnvelope(seq, resignEnvelope({ ...e, seq: to }, ctx.keys));
  return { expected: { seq, code: 'seq.gap' }, detail: `${e.type} at seq ${seq} claims seq ${to} (re-signed)` };
}

/** An event inside an epoch that claims the next epoch, correctly signed by its author. */
export function wrongEpoch(ctx: TamperContext): Corruption {
  const held = new Set(ctx.keys.publicKeys());
  const seq = ctx.rng.pick(
    candidates(ctx, (e, i) => held.has(e.key) && e.type !== 'epoch.close' && i > 0 && ctx.events[i - 1]!.epoch === e.epoch)
  );
  const e = ctx.events[seq]!;
  ctx.bundle.setEnvelope(seq, resignEnvelope({ ...e, epoch: e.epoch + 1 }, ctx.keys));
  return { expected: { seq, code: 'epoch.order' }, detail: `${e.type} at seq ${seq} in epoch ${e.epoch} claims epoch ${e.epoch + 1} (re-signed)` };
}

/** A policy-bound operator event that names a policy hash no policy.activate ever had, re-signed. */
export function wrongPolicy(ctx: TamperContext): Corruption {
  const seq = ctx.rng.pick(candidates(ctx, (e) => e.type === 'reward.allocate'));
  const e = ctx.events[seq]!;
  const forged = sha256Hex(canonicalBytes({ forged: `policy at seq ${seq}`, nonce: ctx.rng.int(1 << 30) }));
  ctx.bundle.setEnvelope(seq, resignEnvelope({ ...e, policy: forged }, ctx.keys));
  return { expected: { seq, code: 'policy.unknown' }, detail: `${e.type} at seq ${seq} names policy ${forged.slice(0, 16)}… (re-signed)` };
}

/**
 * A policy-bound operator event that cites another policy that really was activated earlier,
 * but is not the one in force at its epoch (a policy rollback), re-signed by the operator.
 */
export function stalePolicy(ctx: TamperContext): Corruption {
  const activated: { seq: number; hash: string; version: string }[] = [];
  const choices: { seq: number; hash: string; version: string }[] = [];
  ctx.events.forEach((e, seq) => {
    if (e.type === 'policy.activate') {
      const p = payloadOf(e);
      activated.push({ seq, hash: sha256Hex(canonicalBytes(p['policy']!)), version: String(p['version']) });
    } else if (e.type === 'reward.allocate') {
      const other = activated.filter((a) => a.hash !== e.policy);
      if (other.length) {
        const o = ctx.rng.pick(other);
        choices.push({ seq, hash: o.hash, version: o.version });
      }
    }
  });
  if (choices.length === 0) throw new RangeError('the ledger has no reward after a second policy activation');
  const c = ctx.rng.pick(choices);
  const e = ctx.events[c.seq]!;
  ctx.bundle.setEnvelope(c.seq, resignEnvelope({ ...e, policy: c.hash }, ctx.keys));
  return { expected: { seq: c.seq, code: 'policy.mismatch' }, detail: `${e.type} at seq ${c.seq} cites policy ${c.version}, not the one in force (re-signed)` };
}

/** A listed checkpoint note (its own file or its range of a pack, §6.1), parsed. */
function pickCheckpoint(ctx: TamperContext): { ref: NoteRef; file: string; where: string; note: ReturnType<typeof parseNote>; seq: number } {
  const ref = ctx.rng.pick(ctx.bundle.notes());
  const note = parseNote(new TextDecoder().decode(ctx.bundle.note(ref)));
  const where = ref.offset === undefined ? ref.path : `${ref.path} (note of tree size ${ref.size})`;
  return { ref, file: ref.path, where, note, seq: note.size - 1 };
}

/** A checkpoint whose operator signature was made with a different key (a forgery). */
export function checkpointForgedSig(ctx: TamperContext): Corruption {
  const { ref, file, where, note, seq } = pickCheckpoint(ctx);
  const op = note.signatures.find((s) => s.blob.length === 68);
  if (!op) throw new TypeError(`${where} has no operator signature`);
  const gov = ctx.events.find((e) => e.signer === 'governance');
  if (!gov) throw new RangeError('no governance-signed event to take a forging key from');
  op.blob = new Uint8Array([...op.blob.subarray(0, 4), ...signBytes(new TextEncoder().encode(note.text), ctx.keys.secretFor(gov.key))]);
  ctx.bundle.setNote(ref, new TextEncoder().encode(formatNote(note)));
  return { expected: { seq, code: 'checkpoint.signature-invalid', file }, detail: `${where}: operator signature replaced by one from another key` };
}

/** A checkpoint over a root that is not the log's, validly signed by the operator and the witnesses. */
export function checkpointRoot(ctx: TamperContext): Corruption {
  const { ref, file, where, note, seq } = pickCheckpoint(ctx);
  const root = new Uint8Array(32);
  for (let i = 0; i < 32; i++) root[i] = ctx.rng.int(256);
  const text = withRoot(note.text, root);
  const signed = resignNote(note.signatures, text, ctx.keys);
  if (signed !== note.signatures.length) throw new RangeError(`could re-sign only ${signed} of ${note.signatures.length} signatures of ${where}`);
  ctx.bundle.setNote(ref, new TextEncoder().encode(formatNote({ text, signatures: note.signatures })));
  return { expected: { seq, code: 'checkpoint.root-mismatch', file }, detail: `${where}: root replaced by ${toHex(root).slice(0, 16)}…, re-signed by operator and witnesses` };
}

/** A segment cut short inside an event line (the manifest still lists the full length). */
export function segmentTruncated(ctx: TamperContext): Corruption {
  const seg = ctx.rng.pick(segmentStarts(ctx.bundle));
  const seq = seg.first + ctx.rng.int(seg.count);
  const ref = ctx.bundle.locate(seq);
  const lines = ctx.bundle.lines(seg.file);
  let offset = 0;
  for (let i = 0; i < ref.index; i++) offset += lines[i]!.length + 1;
  const cut = offset + 1 + ctx.rng.int(lines[ref.index]!.length - 1);
  ctx.bundle.setRaw(seg.file, ctx.bundle.get(seg.file).slice(0, cut));
  return { expected: { seq, code: 'segment.truncated', file: seg.file }, detail: `${seg.file} cut at byte ${cut}, inside event ${seq}` };
}

/** The manifest lists a SHA-256 for a segment that is not the segment's. */
export function segmentHash(ctx: TamperContext): Corruption {
  const segs = segmentStarts(ctx.bundle);
  const i = ctx.rng.int(segs.length);
  const m = ctx.bundle.manifest();
  const entry = (m['segments'] as { [k: string]: Json }[])[i]!;
  entry['sha256'] = sha256Hex(canonicalBytes({ listed: entry['sha256'] ?? null, nonce: ctx.rng.int(1 << 30) }));
  ctx.bundle.setManifest(m);
  return { expected: { seq: segs[i]!.first, code: 'segment.hash-mismatch', file: segs[i]!.file }, detail: `manifest lists a wrong SHA-256 for ${segs[i]!.file}` };
}

/**
 * One byte of one shipped content item changed, in its pack (§6.1) or its own file: the item, and
 * only it, fails at its publication (§9.4).
 */
export function contentByte(ctx: TamperContext): Corruption {
  const items = (ctx.bundle.manifest()['content'] as { [k: string]: Json }[]).filter((c) => (c['bytes'] as number) > 0);
  if (items.length === 0) throw new RangeError('the ledger ships no content this corruption applies to');
  const c = ctx.rng.pick(items);
  const cid = c['cid'] as string;
  const path = c['path'] as string;
  const seq = candidates(ctx, (e) => e.type === 'content.publish' && payloadOf(e)['cid'] === cid)[0]!;
  const at = ((c['offset'] as number | undefined) ?? 0) + ctx.rng.int(c['bytes'] as number);
  const bytes = ctx.bundle.get(path).slice();
  bytes[at] = bytes[at]! ^ (1 + ctx.rng.int(255));
  ctx.bundle.setRaw(path, bytes);
  return { expected: { seq, code: 'content.hash-mismatch', file: path }, detail: `${path} byte ${at} changed, inside content ${cid.slice(0, 12)}… published at seq ${seq}` };
}
