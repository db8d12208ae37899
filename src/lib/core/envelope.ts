// The event envelope (docs/BUNDLE_FORMAT.md §4): one canonical JSON line of a segment. Parsing is
// defensive (STYLE.md 7): the line must be ASCII, exactly canonical, carry exactly the envelope's
// fields with the right types and the strict base64/hex forms. Payload schemas (§9) and signer
// authorisation are checked here too, because they need nothing but the envelope itself (plus the
// signer's kind, which the caller resolves through the AEGIS registry).

import { CanonicalJsonError, asciiBytes, canonicalBytes, canonicalDepth, parseCanonical, type Json } from './canonical-json';
import { asciiText, fromBase64Ascii, isBase64Of, isHex } from './bytes';
import { sha256 } from './hash';
import { EVENT_DOMAIN, LIMITS, type Envelope, type EventType, type Finding, type FindingCode, type Role } from './types';

export const ROLES: readonly Role[] = ['operator', 'governance', 'aegis'];
export const EVENT_TYPES: readonly EventType[] = [
  'aegis.attest',
  'aegis.revoke',
  'policy.activate',
  'content.publish',
  'engagement',
  'ranking.publish',
  'reward.allocate',
  'storage.place',
  'storage.proof',
  'epoch.close'
];
/** Types computed under a policy: exactly these carry the envelope field `policy` (§4). */
export const POLICY_BOUND: ReadonlySet<EventType> = new Set(['ranking.publish', 'reward.allocate', 'storage.place', 'storage.proof', 'epoch.close']);
export const ZERO_ID = '0'.repeat(64);
/** Subject ids (users, nodes): lowercase ASCII, no role names (§9). */
const SUBJECT_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

const ENVELOPE_KEYS = ['epoch', 'key', 'payload', 'prev', 'seq', 'sig', 'signer', 'type', 'v'];
const ENVELOPE_KEYS_POLICY = ['epoch', 'key', 'payload', 'policy', 'prev', 'seq', 'sig', 'signer', 'type', 'v'];
const DOMAIN = asciiBytes(EVENT_DOMAIN);
const ASCII = new TextDecoder('utf-8');

export type ParseResult<T> = { ok: true; value: T } | { ok: false; finding: Finding };

const fail = (code: FindingCode, seq: number | null, message: string): { ok: false; finding: Finding } => ({ ok: false, finding: { code, seq, message } });

export function isRole(name: string): name is Role {
  return name === 'operator' || name === 'governance' || name === 'aegis';
}

export function isSubjectId(s: unknown): s is string {
  return typeof s === 'string' && SUBJECT_ID.test(s) && !isRole(s);
}

const isObject = (v: unknown): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEpoch = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
/** o has exactly the (distinct) keys: as many own keys, each wanted one among them. */
function hasExactKeys(o: object, keys: readonly string[]): boolean {
  const own = Object.keys(o);
  if (own.length !== keys.length) return false;
  // A canonical line's members come sorted, as `keys` are: then one pass over the two lists (once per event).
  let i = 0;
  while (i < keys.length && own[i] === keys[i]) i++;
  return i === keys.length || keys.every((k) => Object.hasOwn(o, k));
}

function depth(v: Json): number {
  if (Array.isArray(v)) return 1 + v.reduce<number>((m, x) => Math.max(m, depth(x)), 0);
  if (isObject(v)) return 1 + Object.values(v).reduce<number>((m, x) => Math.max(m, depth(x)), 0);
  return 0;
}

/**
 * Decode one line (without its newline) to text. Canonical JSON is pure ASCII (§2), so a byte ≥ 0x80
 * is already non-canonical; `at` is the seq the line occupies, used for the finding.
 */
export function decodeLine(line: Uint8Array, at: number): ParseResult<string> {
  if (line.length > LIMITS.eventBytes) return fail('limit.exceeded', at, `event line is ${line.length} bytes; the limit is ${LIMITS.eventBytes}`);
  if (line.length === 0) return fail('json.syntax', at, 'empty line');
  for (let i = 0; i < line.length; i++) {
    if (line[i]! >= 0x80) return fail('json.noncanonical', at, `non-ASCII byte 0x${line[i]!.toString(16)} at offset ${i}; canonical JSON escapes it`);
  }
  // All ASCII, so UTF-8 decoding is the identity on code points; TextDecoder's ASCII fast path is
  // ~10x faster than String.fromCharCode(...bytes) (issue 7 profile: 7 % of the Chromium replay).
  return { ok: true, value: ASCII.decode(line) };
}

/**
 * Parse one envelope line: canonical JSON, exact field set and types (§4). `cut`: the caller has
 * signatureInputsOfLine's non-null result (or cutEventLine's true, the same cut) for this very
 * line. Its key and sig were then decoded, strictly, from the bytes this parse reads those fields
 * from (once signer, type and v have passed here, see there), so their base64 checks cannot fail
 * and are not made again (issue 7).
 */
export function parseEnvelope(line: Uint8Array, at: number, cut = false): ParseResult<Envelope> {
  let v: Json;
  // Fast path: one scan proves the bytes canonical (so ASCII), then the native JSON.parse of the
  // text made in JS (asciiText: no TextDecoder string left in Blink's partition); the
  // full path (decode, parse, re-encode, compare) decides every line the scan does not prove, so
  // accepted lines, findings and messages are the same either way (issue 7).
  const nesting = line.length <= LIMITS.eventBytes ? canonicalDepth(line) : -1;
  if (nesting >= 0) v = JSON.parse(asciiText(line)) as Json;
  else {
    const text = decodeLine(line, at);
    if (!text.ok) return text;
    try {
      v = parseCanonical(text.value);
    } catch (e) {
      if (e instanceof CanonicalJsonError) return fail(e.reason === 'syntax' ? 'json.syntax' : 'json.noncanonical', at, `event line: ${e.message}`);
      throw e;
    }
  }
  if (!isObject(v)) return fail('event.schema', at, 'event line is not a JSON object');
  const type = v['type'];
  if (typeof type !== 'string') return fail('event.schema', at, 'field "type" must be a string');
  if (!(EVENT_TYPES as readonly string[]).includes(type)) return fail('event.unknown-type', at, `unknown event type ${JSON.stringify(type)}`);
  const bound = POLICY_BOUND.has(type as EventType);
  if (!hasExactKeys(v, bound ? ENVELOPE_KEYS_POLICY : ENVELOPE_KEYS)) {
    return fail('event.schema', at, `a ${type} envelope has exactly the fields ${(bound ? ENVELOPE_KEYS_POLICY : ENVELOPE_KEYS).join(', ')}; got ${Object.keys(v).sort().join(', ')}`);
  }
  if (v['v'] !== 1) return fail('event.schema', at, `envelope version ${JSON.stringify(v['v'])}; expected 1`);
  const seq = v['seq'];
  if (!isEpoch(seq)) return fail('event.schema', at, 'field "seq" must be a non-negative integer');
  if (!isEpoch(v['epoch'])) return fail('event.schema', seq, 'field "epoch" must be a non-negative integer');
  const signer = v['signer'];
  if (typeof signer !== 'string' || !(isRole(signer) || isSubjectId(signer))) return fail('event.schema', seq, `field "signer" must be a role or a subject id; got ${JSON.stringify(signer)}`);
  const key = v['key'];
  if (typeof key !== 'string' || !(cut || isBase64Of(key, 32))) return fail('sig.malformed', seq, 'field "key" must be canonical base64 of a 32-byte Ed25519 public key');
  const sig = v['sig'];
  if (typeof sig !== 'string' || !(cut || isBase64Of(sig, 64))) return fail('sig.malformed', seq, 'field "sig" must be canonical base64 of a 64-byte Ed25519 signature');
  if (typeof v['prev'] !== 'string' || !isHex(v['prev'], 32)) return fail('event.schema', seq, 'field "prev" must be 64 lowercase hex digits');
  if (bound && (typeof v['policy'] !== 'string' || !isHex(v['policy'], 32))) return fail('event.schema', seq, 'field "policy" must be 64 lowercase hex digits');
  if (!isObject(v['payload'])) return fail('event.schema', seq, 'field "payload" must be an object');
  // Every other field is a scalar by now, so the payload is one level less deep than the line.
  if ((nesting >= 0 ? nesting - 1 : depth(v['payload'])) > LIMITS.payloadDepth) return fail('limit.exceeded', seq, `payload nesting deeper than ${LIMITS.payloadDepth}`);
  return { ok: true, value: v as unknown as Envelope };
}

/** The envelope without `sig`, as a plain JSON object. */
function unsigned(env: Envelope): Json {
  const out: { [k: string]: Json } = {};
  for (const [k, x] of Object.entries(env)) if (k !== 'sig') out[k] = x as Json;
  return out;
}

/** The signed message m = EVENT_DOMAIN || canonical(envelope without "sig") (§4). */
export function signedMessage(env: Envelope): Uint8Array {
  const body = canonicalBytes(unsigned(env));
  const m = new Uint8Array(DOMAIN.length + body.length);
  m.set(DOMAIN, 0);
  m.set(body, DOMAIN.length);
  return m;
}

// Messages are carved from a shared 64 KiB slab instead of allocated one by one: a typed array
// over 64 bytes gets its own off-heap backing store, whose allocation and GC bookkeeping cost
// more than the copy (issue 7: ~2x on cutting the message from the line). A carved message owns its bytes, but
// its `.buffer` is the slab's: copy it (as signature batches do), never transfer or detach it.
const SLAB_BYTES = 64 * 1024;
let slab = new Uint8Array(0);
let slabUsed = 0;
function carve(n: number): Uint8Array {
  if (n > SLAB_BYTES >> 3) return new Uint8Array(n);
  if (slabUsed + n > slab.length) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  slabUsed += n;
  return slab.subarray(slabUsed - n, slabUsed);
}

const SIG_MEMBER = asciiBytes(',"sig":"');
const SIGNER_MEMBER = asciiBytes(',"signer":"');

const EPOCH_OPEN = asciiBytes('{"epoch":');
const KEY_MEMBER = asciiBytes(',"key":"');
const SIG_LEN = 88; // canonical base64 of 64 bytes
const KEY_LEN = 44; // canonical base64 of 32 bytes

/** b[at, at + s.length) === s. */
function bytesAt(b: Uint8Array, at: number, s: Uint8Array): boolean {
  if (at < 0 || at + s.length > b.length) return false;
  for (let i = 0; i < s.length; i++) if (b[at + i] !== s[i]) return false;
  return true;
}

/**
 * What an event's signature check needs, cut from its line before (and without) parsing it: the key
 * and signature bytes and the signed message (issue 7: the ordered pass parses a line only when it
 * checks it, so parsed envelopes are not held while their batch's signatures are verified).
 *
 * For every line that parseEnvelope accepts this returns exactly { key: fromBase64(env.key), sig:
 * fromBase64(env.sig), msg: signedMessage(env) } without re-encoding anything: such a line is
 * canonical(env) (parseCanonical re-encodes and compares), with the envelope's sorted members, so it
 * starts `{"epoch":<digits>,"key":"<44>"` and ends `,"sig":"<88>","signer":"<s>","type":"<t>","v":1}`:
 * only signer, type and v follow the sig, and a role, a subject id (§9) or an event type holds no
 * comma, so the third comma from the end starts `,"signer":"` and the sig member ends just before
 * it. canonical(env without sig) is the line without those `,"sig":"<sig>"` bytes. For any other
 * line it returns null or something that is never used (the line fails its parse, so its verdict is
 * not consulted). Never throws.
 *
 * Conversely (parseEnvelope's `cut`), a non-null result for a line that parses to an object whose
 * signer, type and v pass means its key and sig fields are those 44 and 88 bytes as text, strict
 * base64 of 32 and 64 bytes: base64 characters hold no quote or backslash, so the key is the whole
 * value after `{"epoch":<digits>,"key":"`, and the sig the whole value of the member right before
 * the top-level `,"signer":"` (three commas from the end, as above), i.e. the top-level sig.
 */
export function signatureInputsOfLine(line: Uint8Array): { key: Uint8Array; sig: Uint8Array; msg: Uint8Array; line: Uint8Array } | null {
  if (!locateSignature(line) || !decodeCut(line)) return null;
  const key = cutKeyBytes!;
  const sig = cutSigBytes!;
  const msg = carve(signedMessageLength(line.length, cutStart, cutEnd));
  signedMessageOfCut(line, 0, line.length, cutStart, cutEnd, msg);
  return { key, sig, msg, line }; // with its line: an event batch's item as it is (no second object per event)
}

/** What cutEventLine hands its batch: the line, its key and sig bytes, and where its sig member is. */
export interface CutLines {
  add(line: Uint8Array, key: Uint8Array, sig: Uint8Array, start: number, end: number): void;
}

/**
 * signatureInputsOfLine for an event batch sent to signature workers (issue 7): the same cut, taken
 * for exactly the same lines (true where that returns non-null), but the signed message is not built:
 * `into` gets the line, the key and sig, and the sig member's place [start, end) in the line, and the
 * worker builds the message from those (signedMessageOfCut). Never throws.
 */
export function cutEventLine(line: Uint8Array, into: CutLines): boolean {
  if (!locateSignature(line) || !decodeCut(line)) return false;
  into.add(line, cutKeyBytes!, cutSigBytes!, cutStart, cutEnd);
  return true;
}

/** The length of the signed message of a line of `length` bytes whose sig member is [start, end). */
export function signedMessageLength(length: number, start: number, end: number): number {
  return DOMAIN.length + length - (end - start);
}

/**
 * The signed message m = EVENT_DOMAIN ‖ line[0, start) ‖ line[end, …) (§4) of the line
 * src[l0, l1) whose sig member `,"sig":"<88>"` is at [start, end) of it (signatureInputsOfLine),
 * written to out[0, signedMessageLength(l1 - l0, start, end)). Allocates nothing.
 */
export function signedMessageOfCut(src: Uint8Array, l0: number, l1: number, start: number, end: number, out: Uint8Array): void {
  out.set(DOMAIN, 0);
  out.set(src.subarray(l0, l0 + start), DOMAIN.length);
  out.set(src.subarray(l0 + end, l1), DOMAIN.length + start);
}

// The last cut found by locateSignature (module state, not an object per line).
let cutKey = 0; // the key's base64 text
let cutStart = 0; // `,"sig":"`
let cutEnd = 0; // `,"signer":"`, just after the sig's closing quote

// The key and sig decoded by decodeCut from the last cut.
let cutKeyBytes: Uint8Array | null = null;
let cutSigBytes: Uint8Array | null = null;

/** Decode the last cut's key and sig strictly (32 and 64 bytes) into cutKeyBytes and cutSigBytes; false if either fails. */
function decodeCut(line: Uint8Array): boolean {
  cutKeyBytes = fromBase64Ascii(line, cutKey, cutKey + KEY_LEN);
  cutSigBytes = fromBase64Ascii(line, cutEnd - 1 - SIG_LEN, cutEnd - 1);
  return cutKeyBytes !== null && cutSigBytes !== null && cutKeyBytes.length === 32 && cutSigBytes.length === 64;
}

/** The cut of signatureInputsOfLine before decoding: false, or true with cutKey, cutStart and cutEnd set. */
function locateSignature(line: Uint8Array): boolean {
  if (!bytesAt(line, 0, EPOCH_OPEN)) return false;
  let i = EPOCH_OPEN.length;
  while (i < line.length && line[i]! >= 0x30 && line[i]! <= 0x39) i++;
  if (!bytesAt(line, i, KEY_MEMBER)) return false;
  const k0 = i + KEY_MEMBER.length;
  if (line[k0 + KEY_LEN] !== 0x22) return false;
  // Three commas back from the end (the builtin search, not a loop over the ~140 tail bytes: issue 7).
  let end = line.length; // becomes the offset of `,"signer":"`, just after the sig's closing quote
  for (let c = 0; c < 3; c++) {
    end = end > 0 ? line.lastIndexOf(0x2c, end - 1) : -1;
    if (end < 0) return false;
  }
  const s0 = end - 1 - SIG_LEN;
  const start = s0 - SIG_MEMBER.length;
  if (start <= k0 + KEY_LEN || line[end - 1] !== 0x22 || !bytesAt(line, end, SIGNER_MEMBER) || !bytesAt(line, start, SIG_MEMBER)) return false;
  cutKey = k0;
  cutStart = start;
  cutEnd = end;
  return true;
}

/** Event id = SHA-256(m) (§4); `prev` of the next event is its hex. */
export function eventId(env: Envelope): Uint8Array {
  return sha256(signedMessage(env));
}

/** The log entry: the canonical line without its newline (§4, §5). */
export function entryBytes(env: Envelope): Uint8Array {
  return canonicalBytes(env as unknown as Json);
}
