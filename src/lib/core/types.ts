// The shared contract of qfs-ledger-bundle/1 (normative text: docs/BUNDLE_FORMAT.md). Every module
// in core, the worker, the CLI and the issuer speaks these types. Change them only together with
// the spec.

import type { Json } from './canonical-json';

export const FORMAT = 'qfs-ledger-bundle/1';
/** Domain separation prefix of the signed message and event id (BUNDLE_FORMAT.md §4). */
export const EVENT_DOMAIN = 'qfs-ledger-bundle/1 event\n';

/** Limits (BUNDLE_FORMAT.md §8), enforced by the verifier with code 'limit.exceeded'. */
export const LIMITS = {
  eventBytes: 65_535, // one NDJSON line without its newline; also the tlog-tiles entry limit
  segmentBytes: 16 * 1024 * 1024,
  segments: 100_000,
  manifestBytes: 16 * 1024 * 1024,
  noteBytes: 64 * 1024,
  noteSignatures: 100,
  contentBytes: 1024 * 1024,
  payloadDepth: 16
} as const;

export type EventType =
  | 'aegis.attest'
  | 'aegis.revoke'
  | 'policy.activate'
  | 'content.publish'
  | 'engagement'
  | 'ranking.publish'
  | 'reward.allocate'
  | 'storage.place'
  | 'storage.proof'
  | 'epoch.close';

/** Root roles whose keys are pinned in the trust policy. Subjects (users, nodes) sign with keys from AEGIS attestations. */
export type Role = 'operator' | 'governance' | 'aegis';

/**
 * The event envelope: one line of a segment, exactly canonical JSON of this object.
 * The signed message is EVENT_DOMAIN || canonical(envelope without `sig`); the event id is the
 * SHA-256 of that message. The log entry is the whole line (with `sig`), without its newline.
 */
export interface Envelope {
  v: 1;
  seq: number;
  epoch: number;
  type: EventType;
  /** A role name or a subject id (user or storage node). */
  signer: string;
  /** The signer's Ed25519 public key, base64 of 32 bytes; must be the key registered for `signer` at this seq. */
  key: string;
  /** Event id (hex SHA-256) of seq−1; 64 zeros for seq 0. */
  prev: string;
  /** Full hex SHA-256 of the policy the payload was computed under; present exactly on policy-bound types. */
  policy?: string;
  payload: Json;
  /** base64 of the 64-byte Ed25519 signature. */
  sig: string;
}

export type FindingCode =
  // framing and encoding
  | 'json.syntax'
  | 'json.noncanonical'
  | 'event.schema'
  | 'event.unknown-type'
  | 'limit.exceeded'
  // order and chain
  | 'seq.gap'
  | 'seq.duplicate'
  | 'epoch.order'
  | 'chain.prev-mismatch'
  // signatures and signers
  | 'sig.malformed'
  | 'sig.invalid'
  | 'signer.unknown'
  | 'signer.revoked'
  | 'signer.expired'
  | 'signer.key-mismatch'
  | 'signer.unauthorized'
  // bundle files
  | 'manifest.invalid'
  | 'trust.invalid'
  | 'trust.mismatch'
  | 'segment.missing'
  | 'segment.hash-mismatch'
  | 'segment.length-mismatch'
  | 'segment.truncated'
  | 'segment.count-mismatch'
  // checkpoints and witnesses
  | 'checkpoint.malformed'
  | 'checkpoint.signature-invalid'
  | 'checkpoint.origin-mismatch'
  | 'checkpoint.root-mismatch'
  | 'checkpoint.size-mismatch'
  | 'checkpoint.missing'
  | 'witness.signature-invalid'
  | 'witness.quorum-not-met'
  // economy (replay)
  | 'policy.invalid'
  | 'policy.unknown'
  | 'policy.mismatch'
  | 'reward.mismatch'
  | 'reward.ineligible'
  | 'reward.duplicate'
  | 'reward.missing'
  | 'reward.pool-mismatch'
  | 'ranking.mismatch'
  | 'placement.mismatch'
  | 'placement.ineligible-node'
  | 'placement.root-mismatch'
  | 'storage.proof-invalid'
  | 'content.unknown'
  | 'content.hash-mismatch'
  | 'aegis.invalid'
  | 'state-root.mismatch'
  | 'epoch.incomplete';

/**
 * A verification failure as data (STYLE.md 6). Crosses the worker boundary as a plain object.
 * `seq` is the exact event where it happened; for a file-level failure (manifest, segment,
 * checkpoint) it is the first seq the failure affects and `file` names the file.
 */
export interface Finding {
  code: FindingCode;
  seq: number | null;
  message: string;
  epoch?: number;
  file?: string;
  /** For value mismatches (drift): the ledger's value and ours, as strings. */
  recorded?: string;
  recomputed?: string;
}

/**
 * Progress reports from long runs (CLI stderr, worker → UI). A run has one long stage: 'verify' is
 * the streaming pass, in which the download, the signatures, the chain, the log, the checkpoints
 * and the economy replay advance together, event by event (bytesDone counts the segment bytes read
 * so far, bytesTotal the manifest's total).
 */
export interface Progress {
  stage: 'manifest' | 'verify' | 'done';
  eventsDone: number;
  eventsTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

export type IdentityStatus = 'verified' | 'revoked' | 'expired' | 'pending' | 'unknown';

/**
 * AEGIS identity as of the current replay position (implemented by aegis-registry.ts, fed by
 * aegis.attest / aegis.revoke events). The replay uses it for guards (rewards need a verified
 * account, placements need verified nodes); the ledger verifier uses it to resolve signer keys.
 */
export interface IdentityView {
  /** Status of `subject` at `epoch`, considering attestations and revocations applied so far. */
  status(subject: string, epoch: number): IdentityStatus;
  /** Seq of the attestation that covers `subject` at `epoch`, or null. */
  attestationSeq(subject: string, epoch: number): number | null;
  /** Seq of the revocation in force for `subject` at `epoch`, or null. */
  revocationSeq(subject: string, epoch: number): number | null;
  kind(subject: string): 'user' | 'node' | null;
  /** A dense index per attested subject (0, 1, 2, … in order of first attestation, never reused), −1 for any other id: per-subject state can live in arrays. */
  subjectIndex(subject: string): number;
  /** validFrom of the first attestation of `subject` applied so far (the attestation-age guard, §10.5), or undefined when never attested. */
  firstValidFrom(subject: string): number | undefined;
  /** A storage node's zone (from its attestation), or null. */
  zone(subject: string): string | null;
  /** Every storage node id ever attested, sorted by code point. */
  nodes(): readonly string[];
  /** Every user account id ever attested, sorted by code point. */
  users(): readonly string[];
}
