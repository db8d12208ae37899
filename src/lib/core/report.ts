// The verification report (docs/BUNDLE_FORMAT.md §8) and the two ports the verifier is built
// around: SignatureVerifier (Ed25519 verdicts in bulk, sequential by default, a worker pool later)
// and LedgerReplayer (the economy replay, src/lib/core/economy/replayer.ts). The report is plain
// data: it crosses the worker boundary and is printed by `atlas verify --json` as is.

import { verify, type Ed25519Backend } from './ed25519';
import type { EventLines } from './signature-batch';
import type { Envelope, Finding, IdentityView } from './types';

/** One signature check: Ed25519 public key (32 bytes), message, signature R || S (64 bytes). */
export interface SignatureItem {
  key: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
}

/** Verdicts for a batch, in item order, under the §7 acceptance rule. */
export interface SignatureVerifier {
  verifyBatch(items: readonly SignatureItem[]): Promise<boolean[]>;
  /**
   * Optional (worker pools): the verdicts (1 valid, 0 invalid) plus, per item, 64 bytes: the event id
   * SHA-256(msg) and the leaf hash SHA-256(0x00 ‖ line), computed where the signature is checked
   * (the message is built there from the line: signature-batch.ts EventLines).
   */
  verifyEvents?(batch: EventLines): Promise<{ verdicts: Uint8Array; digests: Uint8Array }>;
  /** Optional (worker pools): a SHA-256 of a segment's bytes computed in a worker (signature-port.ts RemoteHasher). */
  segmentHasher?(): { update(chunk: Uint8Array): unknown; digest(): Uint8Array | Promise<Uint8Array> };
}

/** The default SignatureVerifier: the backend, one signature after the other, rule prechecks included. */
export function sequentialVerifier(backend: Ed25519Backend): SignatureVerifier {
  return {
    async verifyBatch(items) {
      const out: boolean[] = new Array<boolean>(items.length);
      for (let i = 0; i < items.length; i++) {
        const it = items[i]!;
        out[i] = await verify(backend, it.key, it.msg, it.sig);
      }
      return out;
    }
  };
}

export interface ReplayContext {
  seq: number;
  eventId: Uint8Array;
}

/** What the replayer reports at the end; `drift` lists recorded-vs-recomputed differences. */
export interface ReplayReport {
  drift: unknown[];
  [key: string]: unknown;
}

/** The economy replay as the verifier drives it: every authenticated event, in order. */
export interface LedgerReplayer {
  apply(env: Envelope, ctx: ReplayContext): Finding[];
  report(): ReplayReport;
  /** Check a shipped content file against its publication and placement (§9, §10). */
  verifyContentBytes?(cid: string, bytes: Uint8Array): Finding[];
}

export type ReplayerFactory = (identity: IdentityView) => LedgerReplayer;

export interface TrustFingerprints {
  /** Signed-note vkeys as pinned or claimed. */
  operator: string;
  governance: string;
  aegis: string;
  witnesses: string[];
  /** The tlog-policy quorum line. */
  quorum: string;
  /** hex SHA-256 of canonical(trust): one value to compare out of band. */
  trustHash: string;
}

export interface VerifyReport {
  ok: boolean;
  format: string;
  origin: string | null;
  /** Events read in seq order (all of them when ok). */
  events: number;
  /** Epochs closed. */
  epochs: number;
  accounts: number;
  nodes: number;
  content: number;
  /** Ed25519 signatures that verified: events, checkpoints and cosignatures. */
  signaturesVerified: number;
  checkpointsVerified: number;
  witnesses: { names: string[]; quorum: string; cosignaturesVerified: number } | null;
  trust: { source: 'pinned' | 'bundle'; fingerprints: TrustFingerprints } | null;
  /** Log size and root (hex) after the last event read. */
  log: { size: number; root: string } | null;
  /** First failure first. */
  failures: Finding[];
  drift: unknown[];
  /** The replayer's report as it gave it (economy summary). */
  replay: ReplayReport | null;
}

/** A readable summary for terminals (`atlas verify` without --json). */
export function formatReport(r: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`${r.ok ? 'VALID' : 'INVALID'}  ${r.format}${r.origin ? `  origin ${r.origin}` : ''}`);
  if (r.trust) {
    lines.push(r.trust.source === 'pinned' ? 'trust: pinned' : 'trust: from the bundle itself (not pinned)');
    const f = r.trust.fingerprints;
    lines.push(`  operator   ${f.operator}`, `  governance ${f.governance}`, `  aegis      ${f.aegis}`);
    for (const w of f.witnesses) lines.push(`  witness    ${w}`);
    lines.push(`  ${f.quorum}`, `  trust hash ${f.trustHash}`);
  }
  lines.push(`events ${r.events}, epochs ${r.epochs}, accounts ${r.accounts}, nodes ${r.nodes}, content ${r.content}`);
  lines.push(`signatures verified ${r.signaturesVerified}, checkpoints verified ${r.checkpointsVerified}${r.witnesses ? `, cosignatures verified ${r.witnesses.cosignaturesVerified}` : ''}`);
  if (r.log) lines.push(`log size ${r.log.size}, root ${r.log.root}`);
  if (r.drift.length) lines.push(`drift: ${r.drift.length} value(s) differ from the replay`);
  if (r.failures.length) {
    lines.push(`failures (${r.failures.length}, first first):`);
    for (const f of r.failures.slice(0, 20)) lines.push(`  seq ${f.seq ?? '-'}  ${f.code}  ${f.message}`);
    if (r.failures.length > 20) lines.push(`  … ${r.failures.length - 20} more (use --json)`);
  }
  return lines.join('\n');
}
