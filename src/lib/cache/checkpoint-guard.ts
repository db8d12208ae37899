// Rollback and fork detection for the per-origin checkpoint anchor (issue 5 §4). Pure logic: the
// worker supplies the log's consistency proof (computed from the leaf hashes it has just verified)
// and the core's RFC 9162 §2.1.4.2 verifier. A newer checkpoint is accepted only if it is
// provably an append-only extension of the stored one; an older or conflicting one raises an
// alarm carrying both signed notes as evidence and is never stored.
import { fromHex, toHex } from '$lib/core/bytes';
import type { CheckpointRecord } from './store';

export type CheckpointDecision =
  /** Nothing stored for this origin: trust on first use. */
  | { kind: 'first'; accept: CheckpointRecord }
  /** The same tree head as stored. */
  | { kind: 'same' }
  /** A larger tree proven consistent with the stored one. */
  | { kind: 'extends'; accept: CheckpointRecord; proof: string[] }
  /** The bundle's newest checkpoint is older than the one seen before. */
  | { kind: 'rollback'; stored: CheckpointRecord; incoming: CheckpointRecord; reason: string }
  /** The two checkpoints cannot describe the same append-only log. */
  | { kind: 'fork'; stored: CheckpointRecord; incoming: CheckpointRecord; reason: string };

export interface ConsistencyTools {
  /** RFC 9162 §2.1.4.1 consistency proof between the first `m` and `n` leaves of the verified log. */
  prove(m: number, n: number): Uint8Array[];
  /** RFC 9162 §2.1.4.2 verification of a consistency proof. */
  verify(m: number, n: number, proof: Uint8Array[], oldRoot: Uint8Array, newRoot: Uint8Array): boolean;
}

export function decideCheckpoint(
  stored: CheckpointRecord | null,
  incoming: CheckpointRecord,
  tools: ConsistencyTools
): CheckpointDecision {
  if (stored === null) return { kind: 'first', accept: incoming };
  if (stored.origin !== incoming.origin) throw new TypeError('decideCheckpoint: origins differ');
  if (incoming.size === stored.size) {
    if (incoming.root === stored.root) return { kind: 'same' };
    return {
      kind: 'fork',
      stored,
      incoming,
      reason: `two different roots for the same tree size ${incoming.size}: the log was forked or rewritten`
    };
  }
  if (incoming.size < stored.size) {
    return {
      kind: 'rollback',
      stored,
      incoming,
      reason: `this bundle's latest checkpoint covers ${incoming.size} entries, but a checkpoint for ${stored.size} entries was verified here before`
    };
  }
  const oldRoot = fromHex(stored.root);
  const newRoot = fromHex(incoming.root);
  if (!oldRoot || !newRoot) throw new TypeError('decideCheckpoint: roots must be hex');
  let proof: Uint8Array[];
  try {
    proof = tools.prove(stored.size, incoming.size);
  } catch (e) {
    return { kind: 'fork', stored, incoming, reason: `no consistency proof could be built: ${(e as Error).message}` };
  }
  if (!tools.verify(stored.size, incoming.size, proof, oldRoot, newRoot)) {
    return {
      kind: 'fork',
      stored,
      incoming,
      reason: `the log in this bundle does not extend the checkpoint seen before (consistency proof from size ${stored.size} to ${incoming.size} fails)`
    };
  }
  return { kind: 'extends', accept: incoming, proof: proof.map(toHex) };
}
