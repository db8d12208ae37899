// The verifier worker (STYLE.md 9): all parsing, hashing, signature checks, replay and proofs run
// here, never on the main thread. `api` is exposed with comlink and typed once (`VerifierApi`).
// Every call returns plain data; failures are data (LoadResult.status, Answer.ok = false), never
// custom errors, because comlink does not carry their fields.
import * as Comlink from 'comlink';
import { verifyBundleSource, VerificationAborted } from '$lib/core/bundle-verifier';
import type { EventIndex, FileReader } from '$lib/core/event-index';
import type { IdentityStatus } from '$lib/core/types';
import { contentSlice, parseManifest, parseTrustDoc, type Manifest, type TrustDoc } from '$lib/core/manifest';
import { sequentialVerifier, type SignatureVerifier, type VerifyReport } from '$lib/core/report';
import { pureBackend } from '$lib/core/ed25519';
import { Replayer } from '$lib/core/economy/replayer';
import type { Evidence, RewardExplanation } from '$lib/core/economy/explain';
import { evidenceSource, withEvidence } from '$lib/core/evidence';
import { encodeFragments } from '$lib/core/economy/erasure';
import { fragmentHashes, fragmentRoot } from '$lib/core/economy/storage-proof';
import { rootFromInclusionProof, verifyConsistency } from '$lib/core/merkle';
import { sha256Hex } from '$lib/core/hash';
import { fromUtf8, toBase64, toHex } from '$lib/core/bytes';
import { verifyQfsSet } from '$lib/core/qfs/verify';
import type { QfsSetReport } from '$lib/core/qfs/report';
import { cacheBudget, CacheCorruptError, VerifierCache, type CacheUsage, type SignaturesRecord } from '$lib/cache/store';
import { decideCheckpoint } from '$lib/cache/checkpoint-guard';
import { detectWebCryptoBackend } from './ed25519-webcrypto';
import { SignaturePool } from './pool/signature-pool';
import { HttpSource, FileSource, NetworkError, READ_LIMIT, type ByteSource } from './sources';
import { CachedSource } from './cached-source';
import { loadManifest } from './offline-manifest';
import { ProgressMeter, type WorkerProgress } from './progress-meter';
import { noteView, type NoteSignatureView, type NoteView } from './note-view';
import { stableJson } from './report-json';
import { diffPolicies, type FieldChange } from './policy-diff';
import type { AnchorView, Answer, CacheStatus, CheckpointEvidence, DriftSummary, LoadOptions, LoadResult, SourceSpec, TrustView } from './protocol';

interface Session {
  report: VerifyReport;
  index: EventIndex | null;
  replayer: Replayer | null;
  manifest: Manifest | null;
  manifestHash: string;
  source: CachedSource;
  trust: TrustView | undefined;
  drift: DriftSummary | null;
}

let session: Session | null = null;
let token = { aborted: false };
let signatures: Promise<SignatureVerifier> | null = null;
let cache: VerifierCache | null | undefined;
let local: Promise<SignatureVerifier> | null = null;

/** Ed25519 on this thread: WebCrypto if it passes its probe, else pure JS. */
function localSignatures(): Promise<SignatureVerifier> {
  local ??= detectWebCryptoBackend()
    .catch(() => null)
    .then((web) => sequentialVerifier(web ?? pureBackend));
  return local;
}

/** Ed25519 for events: a pool of signature workers when possible, else this thread (localSignatures). */
function signatureVerifier(): Promise<SignatureVerifier> {
  signatures ??= SignaturePool.start({ backend: 'auto' }).catch(() => localSignatures());
  return signatures;
}

/**
 * Who found a segment's signatures valid, for the cache's signature records (store.ts): the §7 rule's
 * revision and this worker's own URL, which in a build carries the content hash of its code, the
 * core's verification and (through their URLs) the signature workers' included, so another build
 * of the app checks every signature again. In development the code changes under an unhashed URL,
 * so each start of the worker is a rule of its own: only a load in the same page session recalls.
 */
const SIGNATURES_RULE = `BUNDLE_FORMAT §7, revision 1; ${import.meta.env.DEV ? `development, worker ${Math.random().toString(36).slice(2)}` : self.location.pathname}`;

function openCache(): VerifierCache | null {
  if (cache !== undefined) return cache;
  cache = typeof indexedDB === 'undefined' ? null : new VerifierCache();
  return cache;
}

/** The pinned trust shipped with the app (static/demo/trust.json, same origin). */
async function pinnedTrust(base: string): Promise<{ doc: TrustDoc; text: string } | string> {
  let text: string;
  try {
    const res = await fetch(new URL('demo/trust.json', base), { credentials: 'omit' });
    if (!res.ok) return `the pinned trust policy could not be loaded (HTTP ${res.status})`;
    text = await res.text();
  } catch (e) {
    return `the pinned trust policy could not be loaded: ${(e as Error).message}`;
  }
  const doc = parseTrustDoc(text);
  return typeof doc === 'string' ? `the pinned trust policy is invalid: ${doc}` : { doc, text };
}

function userTrust(value: unknown): { doc: TrustDoc; text: string } | string {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return 'the trust file is not JSON';
  }
  const doc = parseTrustDoc(text ?? '');
  return typeof doc === 'string' ? doc : { doc, text };
}

function byteSource(spec: SourceSpec, base: string): ByteSource {
  if (spec.kind === 'demo') return new HttpSource(new URL('demo/', base), 'demo');
  if (spec.kind === 'url') return new HttpSource(spec.url, spec.url);
  return new FileSource(spec.files);
}

function evidence(origin: string, cp: EventIndex['checkpoints'][number]): CheckpointEvidence {
  return { origin, size: cp.size, root: toHex(cp.root), note: fromUtf8(cp.note) ?? '' };
}

const result = (status: LoadResult['status'], message: string, cacheStatus: CacheStatus, extra: Partial<LoadResult> = {}): LoadResult => ({
  status,
  message,
  report: null,
  cache: cacheStatus,
  anchor: null,
  drift: null,
  ...extra
});

/**
 * Rollback/fork check of the bundle's newest checkpoint against this browser's stored one. The
 * consistency proof re-reads the entries of the block at the stored size from `source`
 * (EventIndex.consistencyProof), so it is built before deciding, for the one (m, n) that can be asked.
 */
async function checkAnchor(c: VerifierCache, report: VerifyReport, index: EventIndex, source: FileReader): Promise<{ anchor: AnchorView | null; accept: CheckpointEvidence | null }> {
  const origin = report.origin;
  const last = index.checkpoints[index.checkpoints.length - 1];
  if (!origin || !last) return { anchor: null, accept: null };
  const incoming = evidence(origin, last);
  const stored = await c.getCheckpoint(origin);
  let built: { m: number; n: number; proof: Uint8Array[] | null; error: unknown } | null = null;
  if (stored && stored.origin === incoming.origin && stored.size < incoming.size) {
    built = { m: stored.size, n: incoming.size, proof: null, error: null };
    try {
      built.proof = await index.consistencyProof(source, stored.size, incoming.size);
    } catch (e) {
      built.error = e;
    }
  }
  const d = decideCheckpoint(stored, incoming, {
    prove: (m, n) => {
      if (built === null || built.m !== m || built.n !== n) throw new RangeError(`internal: no consistency proof from ${m} to ${n} was built`);
      if (built.proof === null) throw built.error;
      return built.proof;
    },
    verify: (m, n, p, a, b) => verifyConsistency(m, n, p, a, b)
  });
  switch (d.kind) {
    case 'first':
      return { anchor: { kind: 'first', checkpoint: incoming, previous: null }, accept: report.ok ? incoming : null };
    case 'same':
      return { anchor: { kind: 'same', checkpoint: incoming, previous: stored }, accept: null };
    case 'extends':
      return { anchor: { kind: 'extends', checkpoint: incoming, previous: stored, proof: d.proof }, accept: report.ok ? incoming : null };
    default:
      return { anchor: { kind: d.kind, stored: d.stored, incoming: d.incoming, reason: d.reason }, accept: null };
  }
}

function driftOf(replayer: Replayer | null): DriftSummary | null {
  if (!replayer) return null;
  const r = replayer.report();
  return { percent: r.percent, compared: r.compared, differing: r.differing, epochs: r.epochs, items: r.drift };
}

/**
 * Core names verified cosigners by their policy name ("w1"); a note's signature lines carry the
 * key name ("witness-1.example"). The trust fingerprints ("w1 witness-1.example+a04fc54a+…") map one
 * to the other.
 */
function cosignerKeyNames(report: VerifyReport, policyNames: readonly string[]): string[] {
  const byPolicy = new Map<string, string>();
  for (const line of report.trust?.fingerprints.witnesses ?? []) {
    const [name, vkey] = line.split(' ');
    if (name && vkey) byPolicy.set(name, vkey.split('+')[0]!);
  }
  return policyNames.map((n) => byPolicy.get(n) ?? n);
}

/** A checkpoint's signed note laid out, each signature marked with core's verdict (proof and audit pages). */
function checkpointNote(s: Session, cp: EventIndex['checkpoints'][number]): NoteView {
  const text = fromUtf8(cp.note) ?? '';
  const logOk = !s.report.failures.some((f) => f.file === cp.path && f.seq === cp.size - 1 && (f.code === 'checkpoint.signature-invalid' || f.code === 'checkpoint.malformed'));
  return noteView(text, logOk, cosignerKeyNames(s.report, cp.cosigners));
}

/**
 * Attach the ledger evidence of an explanation's recorded event (core/evidence.ts, the same code as
 * `atlas explain`): its signature status and its inclusion proof against the newest verified
 * checkpoint, the entry's bytes re-read from this session's source.
 */
async function explained<T extends { seq: number | null; evidence: Evidence | null }>(x: T | null): Promise<T | null> {
  const s = session;
  const index = s?.index;
  if (!x || !s || !index) return x;
  return withEvidence(x, evidenceSource(s.report.failures, index, s.source));
}

/** The cache's byte budget from this origin's storage quota (store.ts cacheBudget). */
async function budget(): Promise<number> {
  try {
    return cacheBudget((await navigator.storage?.estimate?.())?.quota);
  } catch {
    return cacheBudget(undefined);
  }
}

const REFUSALS = new Set(['trust.mismatch', 'trust.invalid', 'manifest.invalid']);

const api = {
  /** Load, verify and replay a bundle; remembers it for the queries below. */
  async load(spec: SourceSpec, opts: LoadOptions, onProgress?: (p: WorkerProgress) => void): Promise<LoadResult> {
    session = null;
    token = { aborted: false };
    const my = token;
    const base = opts.base ?? self.location.href;
    const meter = new ProgressMeter(() => performance.now());
    const c = openCache();
    let cacheStatus: CacheStatus = c ? { status: 'ok' } : { status: 'unavailable', message: 'IndexedDB is not available' };

    // The signature workers, the pinned trust and the manifest all start at once (issue 7): on a
    // first visit each was a round trip, or the pool's start-up, after the other.
    const sigs = signatureVerifier();
    void localSignatures();
    const pendingTrust = opts.trust !== undefined ? Promise.resolve(userTrust(opts.trust)) : pinnedTrust(base);
    let src: ByteSource | null = null;
    let srcError = '';
    try {
      src = byteSource(spec, base);
    } catch (e) {
      srcError = (e as Error).message;
    }
    // A `?bundle=` URL may fall back to its stored manifest when the network fails (offline-manifest.ts).
    const url = spec.kind === 'url' && src instanceof HttpSource ? src.href : null;
    // Whole small files (checkpoint notes, content) are fetched by the signature workers when they
    // have room (SignaturePool.readFile), off this thread, which runs the ordered pass.
    if (src instanceof HttpSource) {
      const http = src;
      void sigs.then((v) => {
        if (v instanceof SignaturePool) http.readVia(v.readFile);
      });
    }
    const pendingManifest = src ? loadManifest(src, url, c) : null;
    pendingManifest?.catch(() => undefined); // awaited below, after the trust is known to be good
    // Segments whose every signature this build found valid before, read while the manifest loads
    // (store.ts `signatures`); a revisit serving those very bytes from the cache does not check them
    // again, unless asked to (LoadOptions.recheckSignatures).
    const none = { known: new Set<string>(), corrupt: null };
    const pendingKnown: Promise<{ known: Set<string>; corrupt: string | null }> =
      c && opts.recheckSignatures !== true
        ? c.knownSignatures(SIGNATURES_RULE).then(
            (known) => ({ known, corrupt: null }),
            (e: unknown) => (e instanceof CacheCorruptError ? { ...none, corrupt: e.message } : none)
          )
        : Promise.resolve(none);

    const trust = await pendingTrust;
    if (typeof trust === 'string') {
      const report = null;
      return result('refused', `Refused: ${trust}.`, cacheStatus, { report });
    }
    const trustView: TrustView = { source: opts.trust !== undefined ? 'user' : 'pinned', text: trust.text, fingerprints: null };
    if (!src || !pendingManifest) return result('error', srcError, cacheStatus);
    onProgress?.(meter.update({ stage: 'manifest', eventsDone: 0, eventsTotal: 0, bytesDone: 0, bytesTotal: 0 }, true)!);
    const got = await pendingManifest;
    if (!got.ok) return result('error', got.message, got.corrupt ? { status: 'corrupt-cleared', message: got.corrupt } : cacheStatus);
    const manifestBytes = got.bytes;
    const stored = got.stored;
    const manifestHash = sha256Hex(manifestBytes);
    const parsed = parseManifest(manifestBytes);
    const hashes = new Map<string, string>();
    const sizes = new Map<string, number>();
    if (parsed.ok) {
      for (const s of parsed.manifest.segments) {
        hashes.set(s.path, s.sha256);
        sizes.set(s.path, s.bytes);
      }
    }
    // Offline, the notes and content read at that visit come from the cache too (and are verified as ever).
    if (stored) for (const [p, h] of Object.entries(stored.files)) if (!hashes.has(p)) hashes.set(p, h);
    const cached = new CachedSource(src, c, (p) => hashes.get(p) ?? null, { sizeOf: (p) => sizes.get(p) ?? null });
    cached.useManifest(manifestBytes);
    if (url !== null && !stored) cached.remember();
    const source = cached;
    const { known, corrupt } = await pendingKnown;
    if (corrupt !== null) cacheStatus = { status: 'corrupt-cleared', message: corrupt };
    const validNow: SignaturesRecord[] = [];

    let replayer: Replayer | null = null;
    let out;
    try {
      out = await verifyBundleSource(source, {
        // Still starting, maybe: the first segment downloads meanwhile (awaited before its first line).
        signatures: sigs,
        // Checkpoint notes on this thread: sent to the pool they would queue behind the event batches.
        noteSignatures: await localSignatures(),
        replayer: (identity) => (replayer = new Replayer(identity)),
        trust: trust.doc,
        mode: opts.audit ? 'audit' : 'stop',
        // Only bytes the cache served, re-hashed against the manifest's hash before they are read.
        signaturesKnown: (seg) => known.has(seg.sha256) && cached.servedFromCache(seg.path) === seg.sha256,
        onSignaturesValid: (seg) => validNow.push({ hash: seg.sha256, rule: SIGNATURES_RULE, events: seg.count }),
        signal: my,
        onProgress: (p) => {
          const v = meter.update(p);
          if (v && my === token) onProgress?.(v);
        }
      });
    } catch (e) {
      if (e instanceof VerificationAborted) return result('cancelled', 'Verification was cancelled.', cacheStatus);
      return result('error', `The verifier failed: ${(e as Error).message}`, cacheStatus);
    }
    if (cached.corrupt) cacheStatus = { status: 'corrupt-cleared', message: cached.corrupt };
    else if (cached.unavailable) cacheStatus = { status: 'unavailable', message: cached.unavailable };
    else if (cacheStatus.status === 'ok') cacheStatus = { status: 'ok', ...cached.stats };
    const { report, index, signaturesRecalled } = out;
    const drift = driftOf(replayer);
    const refused = index === null && report.failures.some((f) => REFUSALS.has(f.code));
    const status: LoadResult['status'] = refused ? 'refused' : report.ok ? 'verified' : 'failed';
    const first = report.failures[0];
    const message = refused && first ? `Refused (${first.code}): ${first.message}` : undefined;

    session = { report, index, replayer, manifest: parsed.ok ? parsed.manifest : null, manifestHash, source, trust: trustView, drift };
    let anchor: AnchorView | null = null;
    let usage: CacheUsage | null = null;
    if (c && index) {
      try {
        const a = await checkAnchor(c, report, index, source);
        anchor = a.anchor;
        // Only a fully verified bundle is remembered (and only an accepted checkpoint stored).
        if (report.ok) {
          // A URL's manifest is stored for offline use when it was downloaded, not when it came from the store.
          const forUrl = url !== null && !stored ? { url, bytes: manifestBytes, manifestHash, files: Object.fromEntries(cached.remembered), storedAt: new Date().toISOString() } : null;
          await c.commitVerified({ manifestHash, origin: report.origin ?? '', source: src.label, report: api.exportReport() }, a.accept, forUrl);
        }
        // The files this load was read from are this bundle's holding, now the most recently
        // verified; older bundles' files are evicted while the cache is over its budget.
        if (!cached.corrupt && !cached.unavailable) {
          // Before keep(), which drops the records of blobs no bundle holds.
          await c.putSignatures(validNow.filter((r) => cached.used.has(r.hash)));
          usage = await c.keep({ manifestHash, source: src.label, files: Object.fromEntries(cached.used), lastVerified: Date.now() }, await budget());
        }
      } catch (e) {
        if (e instanceof CacheCorruptError) cacheStatus = { status: 'corrupt-cleared', message: e.message };
        else cacheStatus = { status: 'unavailable', message: (e as Error).message };
      }
    }
    if (usage && cacheStatus.status === 'ok') cacheStatus = { ...cacheStatus, usage };
    onProgress?.(meter.update({ stage: 'done', eventsDone: report.events, eventsTotal: report.events, bytesDone: source.bytesRead, bytesTotal: source.bytesRead }, true)!);
    const offline = stored ? { offline: { storedAt: stored.storedAt, reason: stored.reason } } : {};
    return { status, message, report, cache: cacheStatus, anchor, manifestHash, trust: trustView, sourceLabel: src.label, drift, signaturesRecalled, ...offline };
  },

  /** Stop the running load at the next check (the client may also terminate the worker). */
  cancel(): void {
    token.aborted = true;
  },

  /** Accounts whose id contains `query` (case-insensitive), with reward count and balance. */
  accounts(query = '', limit = 50): Array<{ account: string; rewards: number; total: string }> {
    const all = session?.replayer?.accounts() ?? [];
    const q = query.toLowerCase();
    const hits = q ? all.filter((a) => a.account.toLowerCase().includes(q)) : all;
    return hits.slice(0, Math.max(0, Math.min(limit, 1000)));
  },

  /** Explain-This for a reward, with its evidence (as every explanation below). */
  explainReward(account: string, epoch: number) {
    return explained(session?.replayer?.explainReward(account, epoch) ?? null);
  },

  /**
   * Every epoch's reward for an account (recorded and recomputed, and the streak it counted),
   * oldest first: a summary for the history charts, so no explanation (and no evidence) per epoch.
   */
  rewardsOf(account: string) {
    const r = session?.replayer;
    if (!r) return [];
    const last = r.lastClosedEpoch();
    const out = [];
    for (let e = 0; last !== null && e <= last; e++) {
      const x = r.explainReward(account, e);
      if (x && (x.recorded || x.recomputed !== '0.000000000000000000')) {
        const streak = x.steps.find((s) => s.id === 'streak');
        const bonus = /= (\d+)$/.exec(streak?.formula ?? '');
        out.push({ epoch: e, recomputed: x.recomputed, recorded: x.recorded?.amount ?? null, seq: x.seq, matches: x.matches, streak: Number(streak?.value ?? '0'), bonusEpochs: bonus ? Number(bonus[1]) : 0 });
      }
    }
    return out;
  },

  /**
   * What the account page shows for one epoch, in one answer: the reward's Explain-This (exactly
   * explainReward's) and the witness cosignatures of the checkpoint the proof view shows for its
   * recorded event (the newest covering it), null when there is no recorded event or checkpoint.
   */
  async explainRewardView(account: string, epoch: number): Promise<{ explanation: RewardExplanation | null; witnesses: NoteSignatureView[] | null }> {
    const explanation = await api.explainReward(account, epoch);
    const s = session;
    const seq = explanation?.recorded?.seq ?? null;
    const cp = s?.index && seq !== null && Number.isSafeInteger(seq) && seq >= 0 && seq < s.index.size ? s.index.newestCheckpointCovering(seq) : null;
    return { explanation, witnesses: s && cp ? checkpointNote(s, cp).signatures.filter((sig) => sig.kind === 'witness') : null };
  },

  explainRanking(cid: string, epoch: number) {
    return explained(session?.replayer?.explainRanking(cid, epoch) ?? null);
  },

  /** A content item's rank and score at each epoch from `from` to `to` (a summary, no explanations). */
  rankingsOf(cid: string, from: number, to: number): Array<{ epoch: number; rank: number | null; score: string }> {
    const r = session?.replayer;
    if (!r || !Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return [];
    const out = [];
    for (let e = Math.max(0, from); e <= to; e++) {
      const x = r.explainRanking(cid, e);
      if (x) out.push({ epoch: x.epoch, rank: x.rank, score: x.recomputed.score });
    }
    return out;
  },

  explainPlacement(cid: string) {
    return explained(session?.replayer?.explainPlacement(cid) ?? null);
  },

  contentList(): Array<{ cid: string; author: string; title: string; size: number; seq: number; epoch: number; bytesInBundle: boolean }> {
    const r = session?.replayer;
    if (!r) return [];
    const inBundle = new Set(session?.manifest?.content.map((c) => c.cid) ?? []);
    return [...r.contents.entries()].map(([cid, c]) => {
      const rec = c as unknown as { author?: string; title?: string; size?: number; seq?: number; epoch?: number };
      return { cid, author: rec.author ?? '', title: rec.title ?? '', size: rec.size ?? 0, seq: rec.seq ?? -1, epoch: rec.epoch ?? -1, bytesInBundle: inBundle.has(cid) };
    });
  },

  /** AEGIS status and zone of storage nodes at an epoch, after the replay (what redundancy counts). */
  nodeStatus(nodes: string[], epoch: number): Array<{ node: string; status: IdentityStatus; zone: string | null }> {
    const id = session?.replayer?.identity;
    if (!id || !Number.isSafeInteger(epoch) || epoch < 0) return [];
    return nodes.slice(0, 1000).map((node) => ({ node, status: id.status(node, epoch), zone: id.zone(node) }));
  },

  /** Re-hash a content item's real bytes from the bundle and check its fragments. */
  async checkContentBytes(cid: string): Promise<ContentBytesAnswer> {
    const s = session;
    const ref = s?.manifest?.content.find((c) => c.cid === cid);
    if (!s || !ref) return { ok: false, error: 'the bundle does not include the bytes of this content' };
    let bytes: Uint8Array;
    try {
      // The bytes this load read, from this browser's cache when it kept them (or, offline, from
      // the files stored with the URL's manifest), else downloaded again; re-hashed below.
      // A pack (BUNDLE_FORMAT.md §6.1) is read whole; the item is its range of it.
      bytes = contentSlice(ref, await s.source.readAgain(ref.path, READ_LIMIT));
    } catch (e) {
      if (!(e instanceof NetworkError)) return { ok: false, error: (e as Error).message };
      return {
        ok: false,
        offline: true,
        error:
          `The bytes of this content are not stored in this browser, and ${s.source.label} cannot be reached to download them (${e.message}). ` +
          'Everything else on this page comes from the verification and needs no network; re-hashing needs the bytes, so try again once online.'
      };
    }
    try {
      const sha = sha256Hex(bytes);
      // Re-derive the fragments from the bytes under the placement's policy (BUNDLE_FORMAT.md
      // §10.4) so the page can show each recomputed fragment hash and root beside the recorded ones.
      const pl = s.replayer?.explainPlacement(cid) ?? null;
      const entry = pl?.policy ? (s.replayer?.registry.byHash(pl.policy.hash) ?? null) : null;
      let fragments: ContentFragments | null = null;
      if (pl && entry && sha === cid) {
        const hashes = fragmentHashes(encodeFragments(bytes, entry.policy.storage));
        fragments = { recorded: pl.fragments.map((f) => f.hash), recomputed: hashes.map(toHex), recordedRoot: pl.root, recomputedRoot: toHex(fragmentRoot(hashes)) };
      }
      return { ok: true, value: { bytes: bytes.length, sha256: sha, matchesCid: sha === cid, findings: s.replayer?.verifyContentBytes(cid, bytes) ?? [], fragments } };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },

  /** The Merkle inclusion proof of one event under the newest checkpoint covering it. */
  async proof(seq: number): Promise<Answer<ProofView>> {
    const s = session;
    if (!s?.index) return { ok: false, error: 'no verified bundle is loaded' };
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= s.index.size) return { ok: false, error: `seq ${seq} is not in this log (0–${s.index.size - 1})` };
    const cp = s.index.newestCheckpointCovering(seq);
    if (!cp) return { ok: false, error: `no checkpoint covers seq ${seq} yet` };
    // The entry and the block(s) the proof re-reads come from one read of its segment.
    const ev = evidenceSource(s.report.failures, s.index, s.source);
    let leaf: Uint8Array;
    let hashes: Uint8Array[];
    try {
      ({ leaf, proof: hashes } = await s.index.inclusion(ev, seq, cp.size));
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
    const path = rootFromInclusionProof(seq, cp.size, leaf, hashes);
    if (!path) return { ok: false, error: 'the inclusion proof could not be recomputed' };
    const entry = await ev.entry(seq);
    const note = checkpointNote(s, cp);
    const noteText = note.text;
    const tlogProof = ['c2sp.org/tlog-proof@v1', `index ${seq}`, ...hashes.map((h) => toBase64(h)), ''].join('\n') + '\n' + noteText;
    return {
      ok: true,
      value: {
        seq,
        entry: fromUtf8(entry) ?? '',
        leafHash: toHex(leaf),
        path: path.nodes.map((n) => ({ level: n.level, index: n.index, hash: toHex(n.hash), role: n.role })),
        proof: hashes.map(toHex),
        root: toHex(path.root),
        rootMatches: toHex(path.root) === toHex(cp.root),
        treeSize: cp.size,
        checkpoint: { ...note, path: cp.path },
        tlogProof
      }
    };
  },

  /** One event's envelope text, re-read from the source. */
  async event(seq: number): Promise<Answer<{ seq: number; text: string }>> {
    const s = session;
    if (!s?.index) return { ok: false, error: 'no verified bundle is loaded' };
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= s.index.size) return { ok: false, error: `seq ${seq} is not in this log` };
    try {
      return { ok: true, value: { seq, text: fromUtf8(await s.index.entry(s.source, seq)) ?? '' } };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },

  drift(): DriftSummary | null {
    return session?.drift ?? null;
  },

  /** Checkpoint and policy timelines and the first failure, for the audit page. */
  audit(): AuditView | null {
    const s = session;
    if (!s) return null;
    const origin = s.report.origin ?? '';
    const checkpoints = (s.index?.checkpoints ?? []).map((cp) => {
      const failures = s.report.failures.filter((f) => f.file === cp.path && f.seq === cp.size - 1);
      return { path: cp.path, origin, size: cp.size, root: toHex(cp.root), note: checkpointNote(s, cp), ok: failures.length === 0, failures };
    });
    const entries = s.replayer?.registry.entries() ?? [];
    const policies = entries.map((e, i) => ({
      version: e.version,
      hash: e.hash,
      fromEpoch: e.fromEpoch,
      toEpoch: entries[i + 1] ? entries[i + 1]!.fromEpoch - 1 : null,
      seq: e.seq,
      document: e.document,
      changes: i === 0 ? [] : diffPolicies(entries[i - 1]!.document, e.document)
    }));
    return { origin, checkpoints, policies, firstFailure: s.report.failures[0] ?? null, failures: s.report.failures.length };
  },

  /** Forget this browser's stored checkpoint of `origin`: only ever the user's explicit choice after an alarm. */
  async forgetCheckpoint(origin: string): Promise<Answer<{ origin: string }>> {
    const c = openCache();
    if (!c) return { ok: false, error: 'this browser keeps no checkpoint memory (IndexedDB is unavailable)' };
    try {
      await c.forgetOrigin(origin);
      return { ok: true, value: { origin } };
    } catch (e) {
      return { ok: false, error: `the stored checkpoint could not be forgotten: ${(e as Error).message}` };
    }
  },

  /** What the cached files of remembered bundles take, against the budget. */
  async cacheUsage(): Promise<Answer<CacheUsage>> {
    const c = openCache();
    if (!c) return { ok: false, error: 'this browser keeps no cached files (IndexedDB is unavailable)' };
    try {
      return { ok: true, value: await c.usage() };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  },

  /**
   * The user's "clear cached files": every stored file, report and URL manifest. The checkpoint
   * memory (rollback/fork alarm) is kept. The loaded bundle stays loaded; a later revisit downloads
   * again.
   */
  async clearCachedFiles(): Promise<Answer<CacheUsage>> {
    const c = openCache();
    if (!c) return { ok: false, error: 'this browser keeps no cached files (IndexedDB is unavailable)' };
    try {
      await c.clearFiles();
      return { ok: true, value: await c.usage() };
    } catch (e) {
      return { ok: false, error: `the cached files could not be cleared: ${(e as Error).message}` };
    }
  },

  /** The deterministic JSON report: the same bundle always gives the same bytes. */
  exportReport(): string {
    const s = session;
    if (!s) return stableJson({ error: 'no bundle loaded' });
    return stableJson({
      format: 'atlas-verifier-report/1',
      bundle: { format: s.report.format, origin: s.report.origin, manifestSha256: s.manifestHash },
      report: s.report
    });
  },

  /** Verify QFS artifacts (the /qfs page): each file on its own, then cross-checks. */
  async verifyQfs(files: File[]): Promise<Answer<QfsSetReport>> {
    const limit = 64 * 1024 * 1024;
    const big = files.find((f) => f.size > limit);
    if (big) return { ok: false, error: `${big.name} is larger than ${limit / 1024 / 1024} MiB` };
    const read = await Promise.all(files.map(async (f) => ({ name: f.webkitRelativePath || f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
    return { ok: true, value: verifyQfsSet(read) };
  },

  /** Verify QFS artifacts fetched from a URL the user chose. */
  async verifyQfsUrl(url: string): Promise<Answer<QfsSetReport>> {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return { ok: false, error: `"${url}" is not a URL` };
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, error: 'only http(s) URLs can be opened' };
    try {
      const src = new HttpSource(new URL('.', u), u.href);
      const name = u.pathname.split('/').pop() || 'file';
      const bytes = await src.read(name, 64 * 1024 * 1024);
      return { ok: true, value: verifyQfsSet([{ name, bytes }]) };
    } catch (e) {
      return { ok: false, error: (e as Error).message };
    }
  }
};

/** A content item's bytes re-hashed; `offline` when they could not be read because the network is gone. */
export type ContentBytesAnswer =
  | { ok: true; value: { bytes: number; sha256: string; matchesCid: boolean; findings: VerifyReport['failures']; fragments: ContentFragments | null } }
  | { ok: false; error: string; offline?: true };

/** Fragment hashes and root recorded by `storage.place` and re-derived from the shipped bytes (hex). */
export interface ContentFragments {
  recorded: string[];
  recomputed: string[];
  recordedRoot: string;
  recomputedRoot: string;
}

export interface ProofView {
  seq: number;
  entry: string;
  leafHash: string;
  path: Array<{ level: number; index: number; hash: string; role: 'leaf' | 'proof' | 'computed' }>;
  proof: string[];
  root: string;
  rootMatches: boolean;
  treeSize: number;
  checkpoint: NoteView & { path: string };
  tlogProof: string;
}

export interface AuditView {
  origin: string;
  checkpoints: Array<{ path: string; origin: string; size: number; root: string; note: NoteView; ok: boolean; failures: VerifyReport['failures'] }>;
  policies: Array<{ version: string; hash: string; fromEpoch: number; toEpoch: number | null; seq: number; document: unknown; changes: FieldChange[] }>;
  firstFailure: VerifyReport['failures'][number] | null;
  failures: number;
}

export type VerifierApi = typeof api;

Comlink.expose(api);
