// The streaming bundle verifier (docs/BUNDLE_FORMAT.md §4–§6, §8): one ordered pass over the
// segments while their bytes arrive. Per segment: incremental SHA-256 and length against the
// manifest, line framing and limits. Per event: canonical envelope, seq contiguity, epoch order,
// the prev chain, signer resolution (trust roles, AEGIS registry), the Ed25519 signature, signer
// authorisation, payload schema, the RFC 6962 log. At each epoch close: the checkpoint, its
// witnesses and quorum. Every authenticated event then goes to the economy replayer.
//
// Signatures are self-contained (the envelope carries its key), so they are checked a batch at a
// time through a SignatureVerifier; a worker pool can supply the verdicts in bulk. The ordered
// checks then consume the verdicts in seq order, so the first failure is the same either way.

import { fromBase64, toHex } from './bytes';
import { type BundleSource, BundleSourceError } from './bundle-source';
import { AegisRegistry } from './aegis-registry';
import { ATTEST_KEY_OK, EventLines, wellFormed } from './signature-batch';
import { ZERO_ID, cutEventLine, isRole, parseEnvelope, signatureInputsOfLine, signedMessage } from './envelope';
import { checkAuthorisation, checkPayload } from './event-payload';
import { EventIndex } from './event-index';
import { createSha256, sha256 } from './hash';
import { type CheckpointRef, contentSlice, type Manifest, parseManifest, type SegmentRef, trustDifferences, type TrustDoc } from './manifest';
import { LineSlabs } from './line-slabs';
import { leafHash } from './merkle';
import { PackedReads } from './read-ahead';
import { type BundleTrust, resolveTrust } from './bundle-trust';
import type { LedgerReplayer, ReplayerFactory, SignatureVerifier, VerifyReport } from './report';
import type { Envelope, Finding, FindingCode, IdentityView, Progress } from './types';
import { FORMAT, LIMITS } from './types';

export interface VerifyOptions {
  /**
   * Ed25519 verdicts for (key, message, signature) batches, under the §7 rule. May be a promise (a
   * worker pool still starting): the manifest, the trust and the first segment's download go on
   * meanwhile, and it is awaited before the first line is read.
   */
  signatures: SignatureVerifier | PromiseLike<SignatureVerifier>;
  /**
   * Ed25519 for the few signatures of each checkpoint note (operator, witnesses), checked on the
   * ordered pass itself; default `signatures`. With a worker pool pass one that runs here: a note's
   * signatures sent to the pool wait behind the event batches in flight, one round trip each, while
   * the ordered pass stands still (issue 7: 50-120 ms per epoch close in the 10k Chromium run).
   */
  noteSignatures?: SignatureVerifier;
  /** Builds the economy replay over the registry (economy/replayer.ts), or `authenticityOnly`. */
  replayer: ReplayerFactory;
  /** Pinned trust; without it the bundle's own trust is used and the report says so. */
  trust?: TrustDoc;
  /** 'stop' (default): stop at the first failure. 'audit': record every failure and go on where that still means something. */
  mode?: 'stop' | 'audit';
  onProgress?: (p: Progress) => void;
  signal?: { readonly aborted: boolean };
  /** Events per signature batch (default BATCH, 512). */
  batch?: number;
  /**
   * Whether every signature of a segment is already known to be valid (the app's memo of earlier
   * runs, by segment SHA-256): asked once per segment, when its first bytes have arrived. Answer true
   * only when those bytes are known to hash to `seg.sha256` before they are read (the app's cache
   * re-hashes what it serves) and this verifier, under the same §7 rule, found every signature of
   * a segment with that SHA-256 valid (`onSignaturesValid`). Its batches then go out `known`: the
   * workers compute the event ids, leaf hashes and attest flags but check no signature
   * (EventLines.known). The report is the one a full check gives; `signaturesRecalled` counts them.
   */
  signaturesKnown?: (seg: SegmentRef) => boolean;
  /**
   * A segment passed its end checks (length, count, SHA-256) and every one of its lines had a
   * valid signature, checked in this run: what `signaturesKnown` may answer true for later.
   */
  onSignaturesValid?: (seg: SegmentRef) => void;
}

export interface VerifyResult {
  report: VerifyReport;
  /** What proofs and explanations need; not serialisable. Null when the manifest or trust was refused. */
  index: EventIndex | null;
  /** Valid signatures counted in the report but not checked in this run (`signaturesKnown`). */
  signaturesRecalled: number;
}

/** Thrown when `signal.aborted` is seen; nothing is reported for a cancelled run. */
export class VerificationAborted extends Error {
  constructor() {
    super('verification cancelled');
    this.name = 'VerificationAborted';
  }
}

class Stop extends Error {}

/**
 * Signature work dispatched ahead of the ordered pass (issue 7): enough batches for
 * IN_FLIGHT_EVENTS events, at least IN_FLIGHT_MIN and at most IN_FLIGHT_MAX, so a worker's queue
 * outlasts the ordered pass's pauses (a GC, an epoch close, its share of two cores among three
 * threads). With the browser's 512-event batches that is 4: Chromium 1M, 4 alternating pairs against
 * 2 batches, 48.7-51.1 s against 50.0-52.8 s and 93-97 against 94-98 CPU-s (100k 5.53 against 5.66
 * s, 10k 824 against 844 ms, medians); the CLI's 4,096-event batches stay at 2 (at 4 its 100k was
 * unchanged). bench/README.md, session 10. Counted in queue entries, segment ends included.
 */
const IN_FLIGHT_MIN = 2;
const IN_FLIGHT_MAX = 4;
const IN_FLIGHT_EVENTS = 2048;

/** Events per signature batch by default. */
const BATCH = 512;

/** Content files asked for ahead of their checks in the content pass (each at most LIMITS.contentBytes). */
const CONTENT_PREFETCH = 8;

/**
 * Content reads in progress at once. Over HTTP a read in a worker that is busy verifying completes
 * only between its batches (several event-loop turns, 200-600 ms each in the 10k Chromium run),
 * so with 4 in flight most of the 213 demo files were still unread when the last signature was
 * verified and the content pass then waited ~0.2-0.5 s for them; with 48 in flight the bytes arrive
 * during the segment pass (bench/README.md, session 6). The files are small and the ReadAhead's byte
 * budget still bounds what is held; the browser queues requests beyond its per-host connections.
 */
const CONTENT_READS = 48;

/** Checkpoint notes read ahead of the epoch closes that need them. */
const CHECKPOINT_PREFETCH = 8;

/** A replayer that checks nothing: the authenticity layer alone (tests, or a bundle without economy). */
export const authenticityOnly: ReplayerFactory = () => ({
  apply: () => [],
  report: () => ({ drift: [] })
});

/**
 * A line read and waiting for its batch's verdicts. It lives through several young-generation GCs
 * and ends up in the old space, so what the ordered pass makes for it later (the parsed envelope,
 * id, leaf) is kept in a fresh Checked instead of being written here: an old object pointing at
 * them would keep them alive until the next full GC (issue 7).
 */
interface Pending {
  pos: number;
  line: Uint8Array;
  /** The event id, when computed here at dispatch (no verifyEvents). */
  id: Uint8Array | null;
  /** Index among its batch's dispatched lines (their verdicts and digests), or -1. */
  slot: number;
}

/** One line as the ordered checks take it. */
interface Checked {
  line: Uint8Array;
  env: Envelope | null;
  finding: Finding | null;
  id: Uint8Array | null;
  /** The RFC 6962 leaf hash, when the signature verifier computed it (verifyEvents). */
  leaf: Uint8Array | null;
  sigOk: boolean;
  /** An aegis.attest whose subject key the signature worker found acceptable (ATTEST_KEY_OK). */
  attestKeyOk: boolean;
}

/** Verify a bundle from `source`. Throws BundleSourceError when the manifest cannot be read. */
export async function verifyBundleSource(source: BundleSource, options: VerifyOptions): Promise<VerifyResult> {
  const v = new Verifier(options);
  return v.run(source);
}

class Verifier {
  readonly #o: VerifyOptions;
  readonly #audit: boolean;
  readonly failures: Finding[] = [];
  /** options.signatures once it has resolved (run, before the segments). */
  #sigs: SignatureVerifier | null = null;
  #signatures = 0;
  #cosignatures = 0;
  #lastClose = false;
  /** A segment could not be read to its end (audit mode went on past it). */
  #segmentBroken = false;
  #checkpoints = 0;
  #epochsClosed = 0;
  #events = 0;
  #bytesDone = 0;
  #bytesTotal = 0;
  /** Checkpoint notes and content files read in the background (issue 7); set once the manifest is in. */
  #notes: PackedReads | null = null;
  #contentReads: PackedReads | null = null;
  /** Manifest content indices by cid: a content.publish asks for its files early. */
  #contentByCid = new Map<string, number[]>();
  /** Lines read but not yet dispatched, and what waits for the ordered pass (see "segments"). */
  #batch: Pending[] = [];
  #queue: Queued[] = [];
  /** The bytes of the lines in flight (see line-slabs.ts). */
  readonly #lines = new LineSlabs();
  /** The segment being read, and whether its signatures are known (VerifyOptions.signaturesKnown). */
  #segIndex = 0;
  #known = false;
  /** Per segment: every line consumed so far was cut and had a valid (or known) signature. */
  #allValid: boolean[] = [];
  #recalled = 0;

  /** Queued entries (batches and segment ends) the ordered pass lets be ahead of it. */
  readonly #inFlight: number;

  constructor(o: VerifyOptions) {
    this.#o = o;
    this.#audit = o.mode === 'audit';
    this.#inFlight = Math.min(IN_FLIGHT_MAX, Math.max(IN_FLIGHT_MIN, Math.ceil(IN_FLIGHT_EVENTS / (o.batch ?? BATCH))));
  }

  #fail(f: Finding): void {
    this.failures.push(f);
    if (!this.#audit) throw new Stop();
  }

  /** #fail, for a check that goes on: false, what the event's `ok` becomes. */
  #reject(f: Finding): false {
    this.#fail(f);
    return false;
  }

  #check(): void {
    if (this.#o.signal?.aborted) throw new VerificationAborted();
  }

  async run(source: BundleSource): Promise<VerifyResult> {
    this.#o.onProgress?.({ stage: 'manifest', eventsDone: 0, eventsTotal: 0, bytesDone: 0, bytesTotal: 0 });
    const bytes = await source.manifest();
    const parsed = parseManifest(bytes);
    const empty = (trust: BundleTrust | null, m: Manifest | null): VerifyResult => ({ report: this.#report(m, trust, null, null, null), index: null, signaturesRecalled: 0 });
    if (!parsed.ok) {
      this.failures.push(parsed.finding);
      return empty(null, null);
    }
    const m = parsed.manifest;
    if (this.#o.trust) {
      const diff = trustDifferences(this.#o.trust, m.trust);
      if (diff.length) {
        this.failures.push({ code: 'trust.mismatch', seq: null, file: 'manifest.json', message: `the bundle's trust differs from the pinned trust: ${diff.join('; ')}` });
        return empty(null, m);
      }
    }
    const trust = resolveTrust(this.#o.trust ?? m.trust, this.#o.trust ? 'pinned' : 'bundle');
    if (!trust.ok) {
      this.failures.push(trust.finding);
      return empty(null, m);
    }
    const t = trust.trust;
    // The subject key check of §9.3, memoised across runs; a key a browser signature worker already
    // checked (ATTEST_KEY_OK) is not checked again (#ordered).
    const registry = new AegisRegistry();
    const replayer = this.#o.replayer(registry);
    const index = new EventIndex(m, registry, replayer);
    this.#bytesTotal = m.segments.reduce((s, x) => s + x.bytes, 0);
    // Keyed by file as content is: a note pack (§6.1) is read once for all its notes.
    this.#notes = new PackedReads(source, m.checkpoints, LIMITS.noteBytes, { concurrency: 2 });
    for (let k = 0; k < CHECKPOINT_PREFETCH; k++) this.#notes.want(k);
    // Keyed by file: a pack (§6.1) is read once for all its items, charged by its listed length.
    this.#contentReads = new PackedReads(source, m.content, 0, { concurrency: CONTENT_READS });
    for (const [i, c] of m.content.entries()) {
      const at = this.#contentByCid.get(c.cid);
      if (at) at.push(i);
      else this.#contentByCid.set(c.cid, [i]);
    }
    // The first segment downloads while the signature verifier (a worker pool) may still be starting.
    const first = m.segments[0] ? preopen(source, m.segments[0].path) : null;
    try {
      this.#sigs = await this.#o.signatures;
    } catch (e) {
      first?.close();
      throw e;
    }
    try {
      const st: OrderState = { pos: 0, prevId: new Uint8Array(32), prevEpoch: 0, prevClose: false, nextCp: 0, logBroken: false };
      await this.#segments(source, { m, t, registry, replayer, index, st }, first);
      this.#finish(m, index);
      await this.#content(m, index, replayer);
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    }
    this.#o.onProgress?.({ stage: 'done', eventsDone: this.#events, eventsTotal: m.events, bytesDone: this.#bytesDone, bytesTotal: this.#bytesTotal });
    return { report: this.#report(m, t, registry, replayer, index), index, signaturesRecalled: this.#recalled };
  }

  // -- segments ------------------------------------------------------------------------------
  //
  // Pipelining (issue 7): a batch's signatures are dispatched to the SignatureVerifier (a worker
  // pool) and the ordered pass of earlier batches runs meanwhile, so parsing, hashing and the replay
  // here overlap the Ed25519 work there. The queue holds dispatched batches and each segment's end
  // checks (length, count, hash) in file order, so a segment's end is checked after its last line
  // and before the next segment's first, while the next segment is already downloading and its
  // signatures are already being verified. Verdicts are consumed strictly in seq order and every
  // failure found while reading first settles what is queued, so findings and their order are
  // exactly those of the unpipelined pass. Up to #inFlight entries are out at once, so a worker
  // never waits for the next batch while the ordered pass catches up.

  async #segments(source: BundleSource, ctx: RunContext, first: Preopened | null): Promise<void> {
    const { m } = ctx;
    // The next segment's download starts when this one's has arrived, not after its checks.
    let next: Preopened | null = first;
    try {
      for (const [si, seg] of m.segments.entries()) {
        const stream: Preopened = next ?? preopen(source, seg.path);
        next = null;
        await this.#segment(ctx, si, stream, () => {
          const after = m.segments[si + 1];
          if (after) next = preopen(source, after.path);
        });
      }
      await this.#drain(ctx);
    } finally {
      (next as Preopened | null)?.close();
    }
  }

  /** Dispatch the open batch, then run the ordered pass until at most #inFlight entries are queued. */
  async #flush(ctx: RunContext): Promise<void> {
    if (this.#batch.length) this.#queue.push({ batch: this.#dispatch(this.#batch) });
    this.#batch = [];
    while (this.#queue.length > this.#inFlight) await this.#settle(ctx);
  }

  /** Check everything taken so far (open, dispatched, segment ends) before a failure found while reading. */
  async #drain(ctx: RunContext): Promise<void> {
    await this.#flush(ctx);
    while (this.#queue.length) await this.#settle(ctx);
  }

  async #settle(ctx: RunContext): Promise<void> {
    const q = this.#queue.shift();
    if (!q) return;
    if ('batch' in q) await this.#consume(q.batch, ctx);
    else await q.end();
  }

  /** Audit mode goes on after a broken segment: skip the rest of it; the log can no longer be recomputed. */
  #broken(seg: SegmentRef, st: OrderState): void {
    st.pos = seg.firstSeq + seg.count;
    st.prevId = null;
    st.logBroken = true;
    this.#segmentBroken = true;
  }

  /** One segment file: framing, limits, length and hash, and every line into the pipeline. */
  async #segment(ctx: RunContext, si: number, stream: Preopened, downloaded: () => void): Promise<void> {
    const { m, index, st } = ctx;
    const seg = m.segments[si]!;
    this.#check();
    const fileFail = (code: FindingCode, seq: number, message: string): Finding => ({ code, seq, file: seg.path, message: `${seg.path}: ${message}` });
    // A worker pool may hash the segment's bytes off this thread (issue 7); the digest is awaited in the end checks.
    const hasher = this.#sigs!.segmentHasher?.() ?? createSha256();
    let length = 0;
    let lines = 0;
    let carry: Uint8Array[] = [];
    let carryLen = 0;
    let broken = false;
    /** A failure found while reading: everything before it is checked first, and the rest of the segment is skipped. */
    const failNow = async (f: Finding) => {
      await this.#drain(ctx); // the earlier lines first: the first failure is the earliest one
      broken = true;
      this.#fail(f);
    };
    const batchSize = this.#o.batch ?? BATCH;
    this.#segIndex = si;
    this.#known = false;
    this.#allValid[si] = true;
    let asked = false;
    /** Synchronous except when the line fills a batch or fails: no promise and no await per line (issue 7). */
    const takeLine = (line: Uint8Array, offset: number): Promise<void> | void => {
      const pos = seg.firstSeq + lines;
      lines++;
      if (lines > seg.count) return failNow(fileFail('segment.count-mismatch', pos, `more than the ${seg.count} events the manifest lists`));
      index.locate(pos, si, offset, line.length);
      this.#batch.push(this.#prepare(pos, line));
      if (this.#batch.length >= batchSize) return this.#flush(ctx);
    };
    try {
      try {
        let lineStart = 0; // file offset of the current partial line
        for await (const whole of stream) {
          this.#check();
          if (!asked) {
            asked = true;
            this.#known = this.#o.signaturesKnown?.(seg) === true;
          }
          // Bytes past the listed length are not taken: the lines before them are checked first.
          const over = length + whole.length > seg.bytes;
          const chunk = over ? whole.subarray(0, seg.bytes - length) : whole;
          length += whole.length;
          this.#bytesDone += chunk.length;
          hasher.update(chunk);
          let from = 0;
          for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, from)) {
            let line: Uint8Array;
            if (carryLen === 0) line = this.#lines.copy(chunk, from, nl);
            else {
              line = this.#lines.alloc(carryLen + nl - from);
              let o = 0;
              for (const c of carry) {
                line.set(c, o);
                o += c.length;
              }
              line.set(chunk.subarray(from, nl), o);
              carry = [];
              carryLen = 0;
            }
            const waiting = takeLine(line, lineStart);
            if (waiting) await waiting;
            if (broken) break;
            lineStart += line.length + 1;
            from = nl + 1;
          }
          if (broken) break;
          if (from < chunk.length) {
            carry.push(chunk.slice(from));
            carryLen += chunk.length - from;
            if (carryLen > LIMITS.eventBytes) {
              await failNow({ code: 'limit.exceeded', seq: seg.firstSeq + lines, file: seg.path, message: `${seg.path}: event line longer than ${LIMITS.eventBytes} bytes` });
              break;
            }
          }
          if (over) {
            await failNow(fileFail('segment.length-mismatch', seg.firstSeq + lines, `longer than the ${seg.bytes} bytes the manifest lists`));
            break;
          }
        }
      } catch (e) {
        if (!(e instanceof BundleSourceError)) throw e;
        await failNow(fileFail('segment.missing', seg.firstSeq + lines, e.message));
      }
    } catch (e) {
      // A Stop, a cancel or a bug: the digest is still asked for, so a worker's hash stream is closed.
      Promise.resolve(hasher.digest()).catch(() => undefined);
      throw e;
    }
    const digest = Promise.resolve(hasher.digest()); // asked for exactly once, awaited in the end checks
    digest.catch(() => undefined);
    if (broken) {
      this.#broken(seg, st);
      return;
    }
    downloaded();
    // The end checks run in order after the segment's last line (see the queue above).
    await this.#flush(ctx);
    const known = this.#known;
    this.#queue.push({
      end: async () => {
        let f: Finding | null = null;
        if (carryLen > 0) f = fileFail('segment.truncated', seg.firstSeq + lines, `the last line has no newline (${carryLen} bytes)`);
        else if (length !== seg.bytes) f = fileFail(length < seg.bytes ? 'segment.truncated' : 'segment.length-mismatch', seg.firstSeq + lines, `${length} bytes; the manifest lists ${seg.bytes}`);
        else if (lines !== seg.count) f = fileFail('segment.count-mismatch', seg.firstSeq + lines, `${lines} events; the manifest lists ${seg.count}`);
        else {
          const hex = toHex(await digest);
          if (hex !== seg.sha256) f = fileFail('segment.hash-mismatch', seg.firstSeq, `SHA-256 ${hex}; the manifest lists ${seg.sha256}`);
        }
        if (f) {
          this.#broken(seg, st);
          this.#fail(f);
        } else if (!known && this.#allValid[si]) this.#o.onSignaturesValid?.(seg); // its seg.count lines, all valid
      }
    });
  }

  /** A line waiting for its batch. It is parsed when its batch is checked (#consume), not here. */
  #prepare(pos: number, line: Uint8Array): Pending {
    return { pos, line, id: null, slot: -1 };
  }

  /**
   * Stateless per-batch work (signed messages, event ids, leaf hashes) and the signature request,
   * started now. A verifier with `verifyEvents` (a worker pool) gets the lines and their cuts, and
   * builds the signed messages and hashes the events where it checks their signatures, off this
   * thread; otherwise the messages and ids are computed here and the leaves in order.
   */
  #dispatch(batch: Pending[]): Dispatched {
    const sigs = this.#sigs!;
    const events = typeof sigs.verifyEvents === 'function';
    // Cut from the line unparsed; every line parseEnvelope accepts is cut (signatureInputsOfLine,
    // and cutEventLine cuts exactly the same lines).
    const lines = events ? new EventLines(batch.length) : null;
    const known = this.#known;
    if (lines) lines.known = known;
    const items = [];
    for (const p of batch) {
      if (lines) {
        if (cutEventLine(p.line, lines)) p.slot = lines.count - 1;
        continue;
      }
      const s = signatureInputsOfLine(p.line);
      if (!s) continue;
      p.id = sha256(s.msg);
      items.push(s);
      p.slot = items.length - 1;
    }
    const n = lines ? lines.count : items.length; // the answer's closure below holds the count, not the items
    const d: Dispatched = { batch, seg: this.#segIndex, verdicts: Promise.resolve([]), digests: null, flags: null, slabs: this.#lines.seal() };
    if (known) this.#recalled += n;
    let verdicts: Promise<boolean[]>;
    if (n === 0) verdicts = Promise.resolve([]);
    else if (!lines) verdicts = known ? Promise.resolve(items.map(wellFormed)) : sigs.verifyBatch(items);
    else {
      verdicts = sigs.verifyEvents!(lines).then(({ verdicts: v, digests }) => {
        if (v.length !== n || digests.length !== 64 * n) throw new TypeError('verifyEvents: wrong number of answers');
        // each event's id and leaf are cut when it is checked (#consume), so they are not held meanwhile
        d.digests = digests;
        const out: boolean[] = new Array<boolean>(n);
        for (let i = 0; i < n; i++) out[i] = (v[i]! & 1) === 1;
        d.flags = v;
        return out;
      });
    }
    // A batch abandoned by a Stop (or an abort) is never consumed: do not report its rejection.
    verdicts.catch(() => undefined);
    d.verdicts = verdicts;
    return d;
  }

  /** The ordered checks of a dispatched batch, in seq order, once its verdicts are in. */
  async #consume(d: Dispatched, ctx: RunContext): Promise<void> {
    const verdicts = await d.verdicts;
    const { batch, digests: dg, flags } = d;
    // Once per batch, not per event: a line not cut, or one invalid signature, keeps its segment
    // from being offered (onSignaturesValid).
    if (verdicts.length !== batch.length || verdicts.includes(false)) this.#allValid[d.seg] = false;
    let i = 0;
    try {
      for (; i < batch.length; i++) {
        const p = batch[i]!;
        // Parsed now rather than when read, so the envelopes of the batches in flight are not held
        // while their signatures are verified (issue 7: they outlived young-generation GCs).
        const r = parseEnvelope(p.line, p.pos, p.slot >= 0);
        const at = 64 * p.slot;
        let c: Checked;
        if (r.ok && p.slot < 0) {
          // signatureInputsOfLine cuts every line parseEnvelope accepts (property-tested); were one
          // ever missed, it is checked here from the parsed envelope rather than crash the run.
          c = await this.#uncut(p.line, r.value);
        } else {
          c = {
            line: p.line,
            env: r.ok ? r.value : null,
            finding: r.ok ? null : r.finding,
            // Views, not copies (two array buffers less per event: issue 7): the answer is the
            // batch's own, never written again, and an id or leaf is held one event at most (prevId,
            // the log's compact range), so no answer outlives its batch by more than one view.
            id: dg !== null && p.slot >= 0 ? dg.subarray(at, at + 32) : p.id,
            leaf: dg !== null && p.slot >= 0 ? dg.subarray(at + 32, at + 64) : null,
            sigOk: p.slot >= 0 && verdicts[p.slot] === true,
            attestKeyOk: flags !== null && p.slot >= 0 && (flags[p.slot]! & ATTEST_KEY_OK) !== 0
          };
        }
        if (c.env && c.sigOk) this.#signatures++;
        const pending = this.#ordered(c, ctx);
        if (pending) await pending;
        this.#events++;
        if (this.#events % 1000 === 0) {
          this.#o.onProgress?.({ stage: 'verify', eventsDone: this.#events, eventsTotal: ctx.m.events, bytesDone: this.#bytesDone, bytesTotal: this.#bytesTotal });
        }
      }
    } catch (e) {
      // signaturesVerified counts a batch's valid signatures as a whole, as it did when they were
      // counted before its checks: at a stop, the lines after the failing one count too.
      if (e instanceof Stop) {
        for (let j = i + 1; j < batch.length; j++) {
          const p = batch[j]!;
          const r = parseEnvelope(p.line, p.pos, p.slot >= 0);
          if (!r.ok) continue;
          if (p.slot >= 0 ? verdicts[p.slot] === true : (await this.#uncut(p.line, r.value)).sigOk) this.#signatures++;
        }
      }
      throw e;
    }
    this.#lines.release(d.slabs); // the batch's lines are not read again
  }

  /** A parsed line the cutter did not take: its signature, id and leaf computed on this thread. */
  async #uncut(line: Uint8Array, env: Envelope): Promise<Checked> {
    const msg = signedMessage(env);
    const key = fromBase64(env.key);
    const sig = fromBase64(env.sig);
    const ok = key !== null && sig !== null && (await (this.#o.noteSignatures ?? this.#sigs!).verifyBatch([{ key, msg, sig }]))[0] === true;
    return { line, env, finding: null, id: sha256(msg), leaf: null, sigOk: ok, attestKeyOk: false };
  }

  // -- the ordered checks of one event -------------------------------------------------------

  /** Synchronous except at a checkpoint (see #afterLeaf). */
  #ordered(p: Checked, ctx: RunContext): Promise<void> | void {
    const { t, registry, replayer, index, st } = ctx;
    const pos = st.pos;
    st.pos++;
    index.append(p.leaf ?? leafHash(p.line));
    const env = p.env;
    // No closure per event (a context and two functions each, issue 7): #reject records and gives false.
    let ok = true;
    if (!env) {
      this.#fail(p.finding!);
      st.prevId = null;
      st.prevClose = false;
      this.#lastClose = false;
      return this.#afterLeaf(pos, null, ctx);
    }
    const e = env.epoch;
    if (env.seq !== pos) ok = this.#reject(findingAt(pos, e, env.seq < pos ? 'seq.duplicate' : 'seq.gap', `event at position ${pos} has seq ${env.seq}`));
    // Epochs (§4): start at 0, never decrease, advance by exactly one right after an epoch.close.
    const wantEpoch = pos === 0 ? 0 : st.prevClose ? st.prevEpoch + 1 : st.prevEpoch;
    if (env.epoch !== wantEpoch) {
      ok = this.#reject(findingAt(pos, e, 'epoch.order', st.prevClose ? `epoch ${env.epoch} after the close of epoch ${st.prevEpoch}; expected ${wantEpoch}` : `epoch ${env.epoch} before epoch ${st.prevEpoch} was closed`));
    }
    if (st.prevId !== null && !hexIs(env.prev, st.prevId)) ok = this.#reject(findingAt(pos, e, 'chain.prev-mismatch', `prev ${env.prev} is not the id of seq ${pos - 1} (${toHex(st.prevId)})`));
    else if (pos === 0 && env.prev !== ZERO_ID) ok = this.#reject(findingAt(pos, e, 'chain.prev-mismatch', 'prev of seq 0 must be 64 zeros'));
    // Signer resolution (§9): roles by the trust keys, subjects by the AEGIS registry.
    let kind: 'user' | 'node' | null = null;
    if (isRole(env.signer)) {
      if (env.key !== t.roleKeys[env.signer]) ok = this.#reject(findingAt(pos, e, 'signer.key-mismatch', `key ${env.key} is not the ${env.signer} key of the trust policy`));
    } else {
      const r = registry.resolve(env.signer, env.epoch);
      kind = r.kind;
      if (r.status === 'unknown') ok = this.#reject(findingAt(pos, e, 'signer.unknown', `${env.signer} has no AEGIS attestation`));
      else if (r.status === 'revoked') ok = this.#reject(findingAt(pos, e, 'signer.revoked', `${env.signer} is revoked from epoch ${env.epoch} (revocation at seq ${registry.revocationSeq(env.signer, env.epoch)})`));
      else if (r.status === 'expired' || r.status === 'pending') ok = this.#reject(findingAt(pos, e, 'signer.expired', `${env.signer}'s attestation is ${r.status === 'expired' ? 'expired' : 'not yet valid'} at epoch ${env.epoch}`));
      else if (r.key !== env.key) ok = this.#reject(findingAt(pos, e, 'signer.key-mismatch', `key ${env.key} is not ${env.signer}'s attested key ${r.key}`));
    }
    if (ok && !p.sigOk) ok = this.#reject(findingAt(pos, e, 'sig.invalid', `Ed25519 signature of ${env.signer} does not verify`));
    if (ok) {
      const sch = checkPayload(env);
      if (sch) ok = this.#reject(sch);
    }
    if (ok) {
      const au = checkAuthorisation(env, kind);
      if (au) ok = this.#reject(au);
    }
    if (ok) {
      if (env.type === 'aegis.attest') {
        // A key a signature worker already checked (ATTEST_KEY_OK) is not checked again here.
        const f = registry.attest(pos, env.epoch, env.payload, p.attestKeyOk);
        if (f) ok = this.#reject(f);
      } else if (env.type === 'aegis.revoke') {
        const f = registry.revoke(pos, env.epoch, env.payload);
        if (f) ok = this.#reject(f);
      } else if (env.type === 'content.publish') {
        index.published(env.payload, pos);
        // Its files (if the manifest lists any) are fetched while the pass goes on; they are checked in the content pass.
        for (const i of this.#contentByCid.get((env.payload as { cid: string }).cid) ?? []) this.#contentReads!.want(i);
      }
    }
    if (ok) {
      for (const f of replayer.apply(env, { seq: pos, eventId: p.id! })) {
        this.#fail({ ...f, seq: f.seq ?? pos });
      }
    }
    st.prevId = p.id;
    st.prevEpoch = env.epoch;
    st.prevClose = env.type === 'epoch.close';
    if (st.prevClose) this.#epochsClosed++;
    this.#lastClose = st.prevClose;
    return this.#afterLeaf(pos, env, ctx);
  }

  /** Checkpoints (§5): exactly one per epoch close, at tree size = close seq + 1. */
  /** Synchronous except at a checkpoint: no promise per event on the ordered pass. */
  #afterLeaf(pos: number, env: Envelope | null, ctx: RunContext): Promise<void> | void {
    const { m, st } = ctx;
    const ref = m.checkpoints[st.nextCp];
    const isClose = env?.type === 'epoch.close';
    if (ref && ref.size === pos + 1) {
      st.nextCp++;
      if (!isClose) {
        this.#fail({ code: 'checkpoint.size-mismatch', seq: pos, file: ref.path, message: `${ref.path}: tree size ${ref.size} does not end at an epoch.close (seq ${pos} is ${env ? env.type : 'unreadable'})` });
        return;
      }
      return this.#checkpoint(pos, ref, ctx);
    } else if (isClose) {
      this.#fail({ code: 'checkpoint.missing', seq: pos, message: `no checkpoint of tree size ${pos + 1} for the close of epoch ${env!.epoch}` });
    }
  }

  async #checkpoint(pos: number, ref: CheckpointRef, ctx: RunContext): Promise<void> {
    const { m, t, index, st } = ctx;
    const notes = this.#notes!;
    const read = await notes.take(st.nextCp - 1);
    for (let k = st.nextCp; k < st.nextCp + CHECKPOINT_PREFETCH; k++) notes.want(k);
    if (!read.ok) {
      if (!(read.error instanceof BundleSourceError)) throw read.error;
      this.#fail({ code: 'checkpoint.missing', seq: pos, file: ref.path, message: read.error.message });
      return;
    }
    // A packed note is its range of the pack (§6.1), whole, or it is missing (§5.2).
    const note = notes.slice(st.nextCp - 1, read.bytes);
    if (note === null) {
      this.#fail({ code: 'checkpoint.missing', seq: pos, file: ref.path, message: `${ref.path}: ${read.bytes.length} bytes; the note of tree size ${ref.size} is bytes ${ref.offset}..${ref.offset! + ref.bytes!}` });
      return;
    }
    const root = index.root();
    const res = await t.checkCheckpoint(note, { origin: m.origin, size: pos + 1, root: st.logBroken ? null : root, seq: pos, file: ref.path }, this.#o.noteSignatures ?? this.#sigs!);
    this.#signatures += res.signaturesVerified;
    this.#cosignatures += res.cosigners.length;
    for (const f of res.findings) this.#fail(f);
    if (res.findings.length === 0) this.#checkpoints++;
    index.checkpoint(ref.path, pos + 1, root, note, res.cosigners);
  }

  // -- end of bundle -------------------------------------------------------------------------

  #finish(m: Manifest, index: EventIndex): void {
    // After a segment that could not be read to its end, the last event seen is not the bundle's
    // end and the closes counted are not all of them: these checks would blame events before the
    // damage (issue 6, Drill B: nothing before the corrupted seq is reported wrong).
    if (this.#segmentBroken) return;
    const last = index.size - 1;
    if (!this.#lastClose) this.#fail({ code: 'epoch.incomplete', seq: last, message: 'the bundle does not end with an epoch.close' });
    if (this.#epochsClosed !== m.epochs) this.#fail({ code: 'manifest.invalid', seq: null, file: 'manifest.json', message: `manifest.json lists ${m.epochs} epochs; the events close ${this.#epochsClosed}` });
  }

  async #content(m: Manifest, index: EventIndex, replayer: LedgerReplayer): Promise<void> {
    // Reads run ahead of the checks: files of published content were asked for during the
    // segment pass, and here a window of CONTENT_PREFETCH more, so a bundle served over HTTP is not
    // paced by one round trip per file (issue 7). Only files holding published content are read; a
    // pack (§6.1) once, kept while its entries (consecutive in the manifest) are checked. Results
    // are still checked strictly in manifest order, so findings and their order do not change.
    const reads = this.#contentReads!;
    for (const [i, c] of m.content.entries()) {
      this.#check();
      for (let j = i; j < Math.min(m.content.length, i + CONTENT_PREFETCH); j++) if (index.publication(m.content[j]!.cid)) reads.want(j);
      const pub = index.publication(c.cid);
      if (!pub) {
        this.#fail({ code: 'content.unknown', seq: null, file: c.path, message: `${c.path}: no content.publish event has cid ${c.cid}` });
        continue;
      }
      const r = await reads.take(i);
      if (!r.ok) {
        if (!(r.error instanceof BundleSourceError)) throw r.error;
        this.#fail({ code: 'content.hash-mismatch', seq: pub.seq, file: c.path, message: r.error.message });
        continue;
      }
      const bytes = contentSlice(c, r.bytes);
      const h = toHex(sha256(bytes));
      if (h !== c.cid || bytes.length !== c.bytes || bytes.length !== pub.size) {
        const where = c.offset === undefined ? c.path : `${c.path} bytes ${c.offset}..${c.offset + c.bytes}`;
        this.#fail({ code: 'content.hash-mismatch', seq: pub.seq, file: c.path, message: `${where}: ${bytes.length} bytes with SHA-256 ${h}; published as ${pub.size} bytes with cid ${c.cid} (manifest: ${c.bytes} bytes)` });
        continue;
      }
      // Bytes past the end of a pack's last entry belong to no item: that entry fails, as a single
      // file with bytes after its content does.
      if (c.offset !== undefined && reads.lastOfFile(i) && r.bytes.length > c.offset + c.bytes) {
        this.#fail({ code: 'content.hash-mismatch', seq: pub.seq, file: c.path, message: `${c.path}: ${r.bytes.length} bytes; its last item (cid ${c.cid}) ends at ${c.offset + c.bytes}` });
        continue;
      }
      // The economy re-derives the content's fragments and compares them with its placement (§10).
      for (const f of replayer.verifyContentBytes?.(c.cid, bytes) ?? []) this.#fail({ ...f, file: f.file ?? c.path });
    }
  }

  #report(m: Manifest | null, t: BundleTrust | null, identity: IdentityView | null, replayer: LedgerReplayer | null, index: EventIndex | null): VerifyReport {
    const rep = replayer?.report() ?? { drift: [] };
    return {
      ok: this.failures.length === 0,
      format: m?.format ?? FORMAT,
      origin: m?.origin ?? null,
      events: this.#events,
      epochs: this.#epochsClosed,
      accounts: identity?.users().length ?? 0,
      nodes: identity?.nodes().length ?? 0,
      signaturesVerified: this.#signatures,
      checkpointsVerified: this.#checkpoints,
      content: index?.contentCount ?? 0,
      witnesses: t ? { names: t.policy.witnesses.map((w) => w.name), quorum: t.fingerprints.quorum, cosignaturesVerified: this.#cosignatures } : null,
      trust: t ? { source: t.source, fingerprints: t.fingerprints } : null,
      failures: this.failures,
      log: index ? { size: index.size, root: toHex(index.root()) } : null,
      drift: rep.drift,
      replay: replayer ? rep : null
    };
  }
}

/** A segment stream whose download has been started; `close()` abandons it if it is never read. */
interface Preopened extends AsyncIterable<Uint8Array> {
  close(): void;
}

function preopen(source: BundleSource, path: string): Preopened {
  const it = source.stream(path)[Symbol.asyncIterator]();
  const first = it.next();
  first.catch(() => undefined); // reported where the stream is read, if it ever is
  let used = false;
  return {
    async *[Symbol.asyncIterator]() {
      used = true;
      let r = await first;
      try {
        while (!r.done) {
          yield r.value;
          r = await it.next();
        }
      } finally {
        if (!r.done) await it.return?.();
      }
    },
    close() {
      if (!used) void first.then(() => it.return?.(), () => undefined);
    }
  };
}

/** A finding about the event at `pos` of epoch `epoch` (the ordered checks). */
function findingAt(pos: number, epoch: number, code: FindingCode, message: string): Finding {
  return { code, seq: pos, epoch, message };
}

/** hex === toHex(bytes) for lowercase hex, without building the string (once per event). */
function hexIs(hex: string, bytes: Uint8Array): boolean {
  if (hex.length !== 2 * bytes.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (hex.charCodeAt(2 * i) !== HEX_CODES[b >> 4] || hex.charCodeAt(2 * i + 1) !== HEX_CODES[b & 15]) return false;
  }
  return true;
}
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** A batch whose signatures are being verified while the previous batch is checked in order. */
interface Dispatched {
  batch: Pending[];
  /** The index of the segment its lines are from (a batch never spans two). */
  seg: number;
  verdicts: Promise<boolean[]>;
  /** verifyEvents: each dispatched line's id and leaf hash (64 bytes per slot), once answered. */
  digests: Uint8Array | null;
  /** verifyEvents: the verdict bytes with their ATTEST_KEY_OK bits, once answered. */
  flags: Uint8Array | null;
  /** Where its lines' bytes are (LineSlabs), given back once it has been checked. */
  slabs: Uint8Array[];
}

/** What the ordered pass of one run works on. */
interface RunContext {
  m: Manifest;
  t: BundleTrust;
  registry: AegisRegistry;
  replayer: LedgerReplayer;
  index: EventIndex;
  st: OrderState;
}

/** Waiting for the ordered pass, in file order: a batch whose verdicts are coming, or a segment's end checks. */
type Queued = { batch: Dispatched } | { end: () => Promise<void> };

interface OrderState {
  pos: number;
  prevId: Uint8Array | null;
  prevEpoch: number;
  prevClose: boolean;
  nextCp: number;
  logBroken: boolean;
}

