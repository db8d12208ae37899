// Public surface of the QFS artifact verifier (docs/QFS_ARTIFACTS.md).

export { verifyQfs, verifyQfsSet, type QfsFile } from './verify';
export { detectProfile, detectText, PROFILE_SHAPES, type Detection } from './detect';
export { verifyEvidenceBus, evidenceEventHash, EVIDENCEBUS_GENESIS } from './evidencebus-v15';
export { verifyGovIndex, govEntryHash, govGenesis } from './gov-index-v15';
export { verifyPoe, poeProofHash, crossCheckPoe } from './poe-v1';
export { verifyCoherenceLedger, coherenceEntryHash, COHERENCE_GENESIS } from './coherence-ledger-v13';
export { mockqpcSign, mockqpcVerify, mockqpcEnvOf, mockqpcPrivateKey, MOCKQPC_ENVS, MOCKQPC_SEED } from './mockqpc';
export {
  QFS_PROFILES,
  QFS_LIMITS,
  MOCKQPC_NOTE,
  type QfsProfile,
  type QfsFindingCode,
  type QfsFinding,
  type QfsSegment,
  type QfsReport,
  type QfsSetReport,
  type QfsCrossCheck,
  type EvidenceBusReport,
  type GovIndexReport,
  type PoeReport,
  type CoherenceLedgerReport,
  type UnrecognisedReport,
  type MockqpcEnv
} from './report';
