// Plain-language explanations of every FindingCode (src/lib/core/types.ts), for people who are not
// log experts. One module so the wording is consistent across the overview, drift and audit pages.
// `satisfies Record<FindingCode, …>` makes a new code without an explanation a type error.
import type { FindingCode } from '$lib/core/types';

export type FindingArea = 'framing' | 'chain' | 'signature' | 'bundle' | 'checkpoint' | 'economy';

export interface FindingText {
  title: string;
  explain: string;
  area: FindingArea;
}

export const FINDING_TEXT = {
  'json.syntax': { area: 'framing', title: 'Unreadable event', explain: 'A line of the ledger is not valid JSON, so the event cannot be read at all.' },
  'json.noncanonical': { area: 'framing', title: 'Non-canonical encoding', explain: 'The event is valid JSON but not in the one canonical byte form, so two different byte strings could claim to be the same event.' },
  'event.schema': { area: 'framing', title: 'Malformed event', explain: 'The event is missing a required field or a field has the wrong type or range.' },
  'event.unknown-type': { area: 'framing', title: 'Unknown event type', explain: 'The event has a type this ledger format does not define.' },
  'limit.exceeded': { area: 'framing', title: 'Size limit exceeded', explain: 'Part of the bundle is larger than the format allows; it was refused instead of being processed, to protect your browser.' },
  'seq.gap': { area: 'chain', title: 'Missing events', explain: 'Event numbers skip ahead: one or more events were removed from the ledger.' },
  'seq.duplicate': { area: 'chain', title: 'Repeated event number', explain: 'Two events claim the same sequence number.' },
  'epoch.order': { area: 'chain', title: 'Epochs out of order', explain: 'An event belongs to an earlier epoch than the event before it.' },
  'chain.prev-mismatch': { area: 'chain', title: 'Broken hash chain', explain: 'The event does not point to the exact previous event: something before it was changed, removed or reordered.' },
  'sig.malformed': { area: 'signature', title: 'Malformed signature', explain: 'The signature or key is not a well-formed Ed25519 value.' },
  'sig.invalid': { area: 'signature', title: 'Invalid signature', explain: 'The signature does not match the event: the event was changed after it was signed, or signed by someone else.' },
  'signer.unknown': { area: 'signature', title: 'Unknown signer', explain: 'The event is signed by an identity that was never registered.' },
  'signer.revoked': { area: 'signature', title: 'Revoked signer', explain: 'The signer\u2019s identity had been revoked when this event was signed.' },
  'signer.expired': { area: 'signature', title: 'Expired signer', explain: 'The signer\u2019s attestation had expired when this event was signed.' },
  'signer.key-mismatch': { area: 'signature', title: 'Wrong key for signer', explain: 'The event names a signer but uses a key that is not the one registered for it.' },
  'signer.unauthorized': { area: 'signature', title: 'Signer not allowed', explain: 'The signer is real but not allowed to sign this type of event.' },
  'manifest.invalid': { area: 'bundle', title: 'Invalid manifest', explain: 'The bundle\u2019s table of contents is malformed, so the bundle cannot be checked.' },
  'trust.invalid': { area: 'bundle', title: 'Invalid trust policy', explain: 'The trust policy (pinned keys and witness quorum) is malformed.' },
  'trust.mismatch': { area: 'bundle', title: 'Not the trusted ledger', explain: 'The bundle is not signed by the keys you trust, so it was refused. It may be a different ledger or an impostor.' },
  'segment.missing': { area: 'bundle', title: 'Missing file', explain: 'A file the manifest lists is not in the bundle.' },
  'segment.hash-mismatch': { area: 'bundle', title: 'File changed', explain: 'A file\u2019s bytes do not hash to the value in the manifest: the file was modified.' },
  'segment.length-mismatch': { area: 'bundle', title: 'File size differs', explain: 'A file is not the size the manifest says.' },
  'segment.truncated': { area: 'bundle', title: 'File cut short', explain: 'A file ends in the middle of an event.' },
  'segment.count-mismatch': { area: 'bundle', title: 'Wrong event count', explain: 'A file holds a different number of events than the manifest says.' },
  'checkpoint.malformed': { area: 'checkpoint', title: 'Malformed checkpoint', explain: 'A signed checkpoint of the log cannot be parsed.' },
  'checkpoint.signature-invalid': { area: 'checkpoint', title: 'Checkpoint not signed by the operator', explain: 'A checkpoint lacks a valid signature from the pinned log key.' },
  'checkpoint.origin-mismatch': { area: 'checkpoint', title: 'Checkpoint for another log', explain: 'A checkpoint names a different log than this bundle.' },
  'checkpoint.root-mismatch': { area: 'checkpoint', title: 'Log contents differ from checkpoint', explain: 'The events hash to a different Merkle root than the signed checkpoint: the log was rewritten after it was signed.' },
  'checkpoint.size-mismatch': { area: 'checkpoint', title: 'Checkpoint size differs', explain: 'A checkpoint covers a different number of events than expected at that epoch.' },
  'checkpoint.missing': { area: 'checkpoint', title: 'Missing checkpoint', explain: 'An epoch was closed without a signed checkpoint.' },
  'witness.signature-invalid': { area: 'checkpoint', title: 'Bad witness signature', explain: 'A witness cosignature on a checkpoint does not verify.' },
  'witness.quorum-not-met': { area: 'checkpoint', title: 'Not enough witnesses', explain: 'Fewer independent witnesses cosigned a checkpoint than the trust policy requires.' },
  'policy.invalid': { area: 'economy', title: 'Invalid policy', explain: 'A policy document is malformed.' },
  'policy.unknown': { area: 'economy', title: 'Unknown policy', explain: 'A value names a policy hash that was never activated.' },
  'policy.mismatch': { area: 'economy', title: 'Wrong policy used', explain: 'A value was computed under a policy that was not in force at its epoch.' },
  'reward.mismatch': { area: 'economy', title: 'Reward amount differs', explain: 'Replaying the rules gives a different reward than the ledger recorded.' },
  'reward.ineligible': { area: 'economy', title: 'Reward to ineligible account', explain: 'A reward went to an account that was not eligible (e.g. not verified) at that epoch.' },
  'reward.duplicate': { area: 'economy', title: 'Reward paid twice', explain: 'The same account was rewarded more than once for the same epoch.' },
  'reward.missing': { area: 'economy', title: 'Reward missing', explain: 'Replaying the rules says an account earned a reward that the ledger never recorded.' },
  'reward.pool-mismatch': { area: 'economy', title: 'Reward pool differs', explain: 'The total paid in an epoch differs from the pool the policy defines.' },
  'ranking.mismatch': { area: 'economy', title: 'Ranking differs', explain: 'Replaying the ranking rules gives a different score or order than the ledger recorded.' },
  'placement.mismatch': { area: 'economy', title: 'Storage placement differs', explain: 'Fragments were placed on different nodes than the placement rule gives.' },
  'placement.ineligible-node': { area: 'economy', title: 'Unverified storage node', explain: 'A fragment was placed on a node that AEGIS did not verify at that epoch.' },
  'placement.root-mismatch': { area: 'economy', title: 'Fragment root differs', explain: 'The fragments do not hash to the content\u2019s recorded Merkle root.' },
  'storage.proof-invalid': { area: 'economy', title: 'Invalid storage proof', explain: 'A storage node\u2019s proof of holding a fragment does not verify.' },
  'content.unknown': { area: 'economy', title: 'Unknown content', explain: 'An event refers to content that was never published.' },
  'content.hash-mismatch': { area: 'economy', title: 'Content bytes differ', explain: 'Content bytes in the bundle do not hash to their content id.' },
  'aegis.invalid': { area: 'economy', title: 'Invalid identity record', explain: 'An AEGIS attestation or revocation is malformed or not allowed.' },
  'state-root.mismatch': { area: 'economy', title: 'State differs at epoch close', explain: 'The replayed balances hash to a different state root than the ledger recorded at the end of the epoch.' },
  'epoch.incomplete': { area: 'economy', title: 'Epoch not closed', explain: 'An epoch has events but no closing event.' }
} as const satisfies Record<FindingCode, FindingText>;

/** The explanation of a code, or a neutral text for a code this app does not know (a newer core). */
export function findingText(code: string): FindingText {
  const known = (FINDING_TEXT as Record<string, FindingText>)[code];
  return known ?? { area: 'bundle', title: code, explain: 'A verification check failed.' };
}
