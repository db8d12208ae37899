// Plain data exchanged between the page and the verifier worker (structured-clone safe: no
// classes, no functions, no bigint). The API itself is `VerifierApi` in verifier.worker.ts.
import type { VerifyReport } from '$lib/core/report';
import type { DriftItem, EpochDrift } from '$lib/core/economy/drift';
import type { CacheUsage } from '$lib/cache/store';

/** Where the bundle comes from. `demo` is static/demo/ under the app's base URL. */
export type SourceSpec = { kind: 'demo' } | { kind: 'url'; url: string } | { kind: 'files'; files: File[] };

export interface LoadOptions {
  /** A user-supplied trust policy (parsed JSON). Without it, the app's pinned demo trust applies. */
  trust?: unknown;
  /** Audit mode: record every failure and go on, instead of stopping at the first. */
  audit?: boolean;
  /** The app's base URL (document.baseURI), for resolving the demo and the pinned trust. */
  base?: string;
  /**
   * Check every signature, including those of segments this build found valid on an earlier visit
   * and serves from the cache byte for byte (LoadResult.signaturesRecalled).
   */
  recheckSignatures?: boolean;
}

export type CacheStatus =
  | { status: 'ok'; filesFromCache?: number; bytesFromCache?: number; filesDownloaded?: number; usage?: CacheUsage }
  /** The local cache was unreadable or inconsistent and has been cleared: not a ledger finding. */
  | { status: 'corrupt-cleared'; message: string }
  /** IndexedDB is not available (private mode, blocked): verification works, nothing is remembered. */
  | { status: 'unavailable'; message: string };

export interface CheckpointEvidence {
  origin: string;
  size: number;
  root: string;
  note: string;
}

/** What happened to this browser's stored checkpoint for the log (rollback/fork protection). */
export type AnchorView =
  | { kind: 'first' | 'same' | 'extends'; checkpoint: CheckpointEvidence; previous: CheckpointEvidence | null; proof?: string[] }
  | { kind: 'rollback' | 'fork'; stored: CheckpointEvidence; incoming: CheckpointEvidence; reason: string };

export type LoadStatus =
  /** Verified with no failure. */
  | 'verified'
  /** Verified to the end (or the first failure) with findings. */
  | 'failed'
  /** Not checked: the trust policy did not match, or the manifest/trust was unusable. */
  | 'refused'
  | 'cancelled'
  /** Could not be checked at all (network, unreadable manifest, worker crash). */
  | 'error';

export interface LoadResult {
  status: LoadStatus;
  message?: string;
  report: VerifyReport | null;
  cache: CacheStatus;
  anchor: AnchorView | null;
  /** Hex SHA-256 of manifest.json. */
  manifestHash?: string;
  /** The trust policy that was applied, for display (pinned demo, user-supplied, or the bundle's own). */
  trust?: TrustView;
  /** Where the bytes came from, for display. */
  sourceLabel?: string;
  /** Recorded vs recomputed, per epoch and overall (null when nothing was replayed). */
  drift: DriftSummary | null;
  /** Set when the network failed and the manifest this browser stored for the URL was verified instead. */
  offline?: OfflineManifest;
  /**
   * Valid signatures counted in the report that were not checked in this load: their segments' bytes
   * came from this browser's cache, re-hashed, and this build of the app found every signature of
   * those very bytes valid on an earlier visit (store.ts `signatures`). Everything else (hashes,
   * chain, log, checkpoints, witnesses, replay) was checked as usual.
   */
  signaturesRecalled?: number;
}

/**
 * The manifest.json of a `?bundle=` URL could not be downloaded (a network failure, not an HTTP
 * answer), so the copy stored when this URL last verified here was used. Its files were served from
 * this browser's cache and verified as usual; events published on the server since are not included.
 */
export interface OfflineManifest {
  /** When the stored manifest was saved (ISO 8601, this browser's clock). */
  storedAt: string;
  /** Why the server's manifest could not be read (the network error). */
  reason: string;
}

export interface DriftSummary {
  /** Overall differing / compared × 100 with two decimals ("0.00" for an honest ledger). */
  percent: string;
  compared: number;
  differing: number;
  epochs: EpochDrift[];
  items: DriftItem[];
}

export interface TrustView {
  source: 'pinned' | 'user' | 'bundle';
  /** The policy document as given (canonical JSON text), shown verbatim. */
  text: string;
  /** Key name → fingerprint lines, as computed by core. */
  fingerprints: unknown;
}

/** A worker answer that may be "not available": failures as data, never thrown across comlink. */
export type Answer<T> = { ok: true; value: T } | { ok: false; error: string };
