// The economy replay and Explain-This (docs/BUNDLE_FORMAT.md §10, docs/ATLAS_EXPLAINABILITY_ARCH.md).
export { Replayer, MAX_INPUT_SEQS, PROOFS_PER_EPOCH } from './replayer';
export type { ExpectedEvent, ReplayReport, ReplayerOptions, EpochClose, PlacementRecord, ContentRecord } from './replayer';
export { defaultPolicies, parsePolicy, policyHash, fragmentShape, POLICY_SCHEMA, SIGNALS } from './policy';
export type { EconomyPolicy, RewardParams, RankingParams, StorageParams, AegisParams, Signal } from './policy';
export { PolicyRegistry } from './policy-registry';
export type { PolicyEntry, PolicyRef } from './policy-registry';
export { computeEpochRewards, rewardCap } from './reward';
export type { EpochRewards, RewardLine, Guard, AccountActivity } from './reward';
export { computeRanking, topEntries } from './ranking';
export type { EpochRanking, RankEntry } from './ranking';
export { encodeFragments, decodeFragments, fragmentSize } from './erasure';
export { placeFragments, rendezvousWeight } from './placement';
export type { FragmentChoice, PlacementNode } from './placement';
export { fragmentHashes, fragmentRoot, fragmentProof, verifyFragmentProof } from './storage-proof';
export { AccountBook, TREASURY, stateJson } from './account-state';
export { percent, DRIFT_KINDS } from './drift';
export type { DriftItem, DriftKind, EpochDrift } from './drift';
export type { RewardExplanation, RankingExplanation, PlacementExplanation, FragmentExplanation, Step, Evidence, InputSummary, IdentitySummary } from './explain';
