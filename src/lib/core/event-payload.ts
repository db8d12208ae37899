// Payload schemas of the input event types and signer authorisation (docs/BUNDLE_FORMAT.md §9).
// Input payloads have exact field sets; derived payloads (ranking, rewards, storage, epoch close)
// are schema-checked by the economy replay (§10), here only what authenticity needs: they are
// objects, they carry `policy` (checked by parseEnvelope), and the right role signs them.

import type { Json } from './canonical-json';
import { isBase64Of, isHex } from './bytes';
import { isRole, isSubjectId } from './envelope';
import type { Envelope, EventType, Finding, FindingCode, Role } from './types';

const MAX_TEXT = 256;

type Obj = { [k: string]: Json };
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNat = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown, min = 0): v is string => typeof v === 'string' && v.length >= min && v.length <= MAX_TEXT;

/** p has exactly the (distinct) keys: as many own keys, each wanted one among them. No sorting per event (issue 7). */
function keysAre(p: Obj, keys: readonly string[]): boolean {
  if (Object.keys(p).length !== keys.length) return false;
  for (let i = 0; i < keys.length; i++) if (!Object.hasOwn(p, keys[i]!)) return false;
  return true;
}

// Field sets and signals, built once rather than per event (issue 7).
const ATTEST_NODE = ['subject', 'kind', 'key', 'zone', 'validFrom', 'validUntil'];
const ATTEST_USER = ['subject', 'kind', 'key', 'validFrom', 'validUntil'];
const REVOKE = ['subject', 'from', 'reason'];
const ACTIVATE = ['version', 'fromEpoch', 'policy'];
const PUBLISH = ['cid', 'author', 'size', 'title'];
const ENGAGEMENT = ['actor', 'cid', 'signal'];
const SIGNALS: ReadonlySet<unknown> = new Set(['view', 'like', 'share', 'comment']);

const finding = (code: FindingCode, env: Envelope, message: string): Finding => ({ code, seq: env.seq, epoch: env.epoch, message: `${env.type}: ${message}` });
const schema = (env: Envelope, message: string): Finding => finding('event.schema', env, message);

/** Which root role signs each operator/governance/AEGIS type; the other types are signed by subjects. */
export const SIGNING_ROLE: Partial<Record<EventType, Role>> = {
  'aegis.attest': 'aegis',
  'aegis.revoke': 'aegis',
  'policy.activate': 'governance',
  'ranking.publish': 'operator',
  'reward.allocate': 'operator',
  'storage.place': 'operator',
  'epoch.close': 'operator'
};
/** Types signed by a subject of this AEGIS kind. */
export const SIGNING_KIND: Partial<Record<EventType, 'user' | 'node'>> = {
  'content.publish': 'user',
  engagement: 'user',
  'storage.proof': 'node'
};

/** Check the payload of `env` against its type's schema (§9). Returns null when it conforms. */
export function checkPayload(env: Envelope): Finding | null {
  const p = env.payload;
  if (!isObject(p)) return schema(env, 'payload must be an object');
  switch (env.type) {
    case 'aegis.attest': {
      const node = p['kind'] === 'node';
      if (!keysAre(p, node ? ATTEST_NODE : ATTEST_USER)) {
        return schema(env, 'fields are subject, kind, key, validFrom, validUntil, and zone for nodes only');
      }
      if (!isSubjectId(p['subject'])) return schema(env, `subject ${JSON.stringify(p['subject'])} is not a subject id`);
      if (p['kind'] !== 'user' && p['kind'] !== 'node') return schema(env, 'kind must be "user" or "node"');
      if (typeof p['key'] !== 'string' || !isBase64Of(p['key'], 32)) return schema(env, 'key must be canonical base64 of 32 bytes');
      if (node && !isText(p['zone'], 1)) return schema(env, 'zone must be a non-empty string of at most 256 characters');
      if (!isNat(p['validFrom']) || !isNat(p['validUntil'])) return schema(env, 'validFrom and validUntil must be epochs');
      if (p['validUntil'] < p['validFrom']) return schema(env, 'validUntil is before validFrom');
      return null;
    }
    case 'aegis.revoke':
      if (!keysAre(p, REVOKE)) return schema(env, 'fields are subject, from, reason');
      if (!isSubjectId(p['subject'])) return schema(env, `subject ${JSON.stringify(p['subject'])} is not a subject id`);
      if (!isNat(p['from']) || p['from'] < env.epoch) return schema(env, `from must be an epoch ≥ the event's epoch ${env.epoch}`);
      if (!isText(p['reason'])) return schema(env, 'reason must be a string of at most 256 characters');
      return null;
    case 'policy.activate': {
      if (!keysAre(p, ACTIVATE)) return schema(env, 'fields are version, fromEpoch, policy');
      if (!isText(p['version'], 1)) return schema(env, 'version must be a non-empty string');
      const genesis = env.epoch === 0 && p['fromEpoch'] === 0;
      if (!isNat(p['fromEpoch']) || (!genesis && p['fromEpoch'] <= env.epoch)) return schema(env, `fromEpoch must be after the event's epoch ${env.epoch} (or 0 at genesis)`);
      if (!isObject(p['policy'])) return schema(env, 'policy must be an object');
      return null;
    }
    case 'content.publish':
      if (!keysAre(p, PUBLISH)) return schema(env, 'fields are cid, author, size, title');
      if (typeof p['cid'] !== 'string' || !isHex(p['cid'], 32)) return schema(env, 'cid must be 64 lowercase hex digits');
      if (!isSubjectId(p['author'])) return schema(env, 'author must be a subject id');
      if (!isNat(p['size'])) return schema(env, 'size must be a byte count');
      if (!isText(p['title'])) return schema(env, 'title must be a string of at most 256 characters');
      return null;
    case 'engagement':
      if (!keysAre(p, ENGAGEMENT)) return schema(env, 'fields are actor, cid, signal');
      if (!isSubjectId(p['actor'])) return schema(env, 'actor must be a subject id');
      if (typeof p['cid'] !== 'string' || !isHex(p['cid'], 32)) return schema(env, 'cid must be 64 lowercase hex digits');
      if (!SIGNALS.has(p['signal'])) return schema(env, 'signal must be view, like, share or comment');
      return null;
    case 'epoch.close':
      if (p['epoch'] !== env.epoch) return schema(env, `payload epoch ${JSON.stringify(p['epoch'])} differs from the envelope's ${env.epoch}`);
      if (typeof p['stateRoot'] !== 'string' || !isHex(p['stateRoot'], 32)) return schema(env, 'stateRoot must be 64 lowercase hex digits');
      return null;
    default:
      // ranking.publish, reward.allocate, storage.place, storage.proof: schema in §10 (economy).
      return null;
  }
}

/**
 * Signer authorisation (§9): the role or subject kind allowed to sign `env.type`, and the payload
 * fields that must name the signer. `kind` is the signer's AEGIS kind (null for a role or unknown).
 */
export function checkAuthorisation(env: Envelope, kind: 'user' | 'node' | null): Finding | null {
  const role = SIGNING_ROLE[env.type];
  if (role !== undefined) {
    if (env.signer !== role) return finding('signer.unauthorized', env, `must be signed by ${role}, not ${env.signer}`);
    return null;
  }
  const want = SIGNING_KIND[env.type];
  if (isRole(env.signer)) return finding('signer.unauthorized', env, `must be signed by a ${want}, not the ${env.signer} role`);
  if (kind !== want) return finding('signer.unauthorized', env, `must be signed by a ${want}; ${env.signer} is ${kind === null ? 'not attested' : `a ${kind}`}`);
  const p = env.payload as Obj;
  const named = env.type === 'content.publish' ? p['author'] : env.type === 'engagement' ? p['actor'] : p['node'];
  if (named !== undefined && named !== env.signer) return finding('signer.unauthorized', env, `payload names ${JSON.stringify(named)} but ${env.signer} signed it`);
  return null;
}
