// Envelope lines (BUNDLE_FORMAT.md §4), payload schemas and signer authorisation (§9).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalize, type Json } from '../../src/lib/core/canonical-json';
import { entryBytes, eventId, parseEnvelope, signedMessage, ZERO_ID } from '../../src/lib/core/envelope';
import { checkAuthorisation, checkPayload } from '../../src/lib/core/event-payload';
import { toHex } from '../../src/lib/core/bytes';
import type { Envelope } from '../../src/lib/core/types';

const B64_32 = 'A'.repeat(43) + '=';
const B64_64 = 'A'.repeat(86) + '==';
const base = (over: Record<string, Json> = {}): Record<string, Json> => ({
  v: 1,
  seq: 7,
  epoch: 2,
  type: 'engagement',
  signer: 'u-000001',
  key: B64_32,
  prev: 'ab'.repeat(32),
  payload: { actor: 'u-000001', cid: 'cd'.repeat(32), signal: 'like' },
  sig: B64_64,
  ...over
});
const line = (o: Record<string, Json>) => new TextEncoder().encode(canonicalize(o));
const parse = (o: Record<string, Json> | string, at = 7) => parseEnvelope(typeof o === 'string' ? new TextEncoder().encode(o) : line(o), at);
const codeOf = (o: Record<string, Json> | string) => {
  const r = parse(o);
  return r.ok ? 'ok' : r.finding.code;
};

describe('parseEnvelope', () => {
  it('accepts a canonical envelope and keeps every field', () => {
    const r = parse(base());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value).toEqual(base());
  });

  it('rejects non-canonical text with json.noncanonical and bad JSON with json.syntax', () => {
    const text = canonicalize(base());
    expect(codeOf(text.replace('{', '{ '))).toBe('json.noncanonical');
    expect(codeOf(text.replace('"epoch":2,"key"', '"key":"x","epoch":2,"key"'))).toBe('json.noncanonical');
    expect(codeOf(text.slice(0, -1))).toBe('json.syntax');
    expect(codeOf(text.replace('"like"', '"l\u00e9ke"'))).toBe('json.noncanonical');
    expect(codeOf('')).toBe('json.syntax');
    expect(codeOf(text.replace('"seq":7', '"seq":7.0'))).toBe('json.noncanonical');
  });

  it('checks the exact field set, types and encodings', () => {
    expect(codeOf(base({ extra: 1 }))).toBe('event.schema');
    const { prev: _p, ...noPrev } = base();
    expect(codeOf(noPrev)).toBe('event.schema');
    expect(codeOf(base({ v: 2 }))).toBe('event.schema');
    expect(codeOf(base({ seq: -1 }))).toBe('event.schema');
    expect(codeOf(base({ type: 'mint' }))).toBe('event.unknown-type');
    expect(codeOf(base({ signer: 'U-1' }))).toBe('event.schema');
    expect(codeOf(base({ prev: 'AB'.repeat(32) }))).toBe('event.schema');
    expect(codeOf(base({ key: 'A'.repeat(43) + 'B' }))).toBe('sig.malformed'); // non-zero padding bits
    expect(codeOf(base({ sig: B64_32 }))).toBe('sig.malformed');
    // policy is present exactly on policy-bound types
    expect(codeOf(base({ policy: 'ef'.repeat(32) }))).toBe('event.schema');
    expect(codeOf(base({ type: 'epoch.close', signer: 'operator', payload: { epoch: 2, stateRoot: '00'.repeat(32) } }))).toBe('event.schema');
    expect(codeOf(base({ type: 'epoch.close', signer: 'operator', policy: 'ef'.repeat(32), payload: { epoch: 2, stateRoot: '00'.repeat(32) } }))).toBe('ok');
  });

  it('enforces the line and nesting limits', () => {
    expect(codeOf(base({ payload: { actor: 'u-000001', cid: 'cd'.repeat(32), signal: 'x'.repeat(70_000) } }))).toBe('limit.exceeded');
    let deep: Json = 1;
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(codeOf(base({ payload: deep as Json }))).toBe('limit.exceeded');
  });

  it('reports the position it was given when the seq field cannot be read', () => {
    const r = parse('not json', 42);
    expect(!r.ok && r.finding.seq).toBe(42);
  });
});

describe('signed message, event id, entry', () => {
  it('m = domain || canonical(envelope without sig); id = SHA-256(m); entry = the canonical line', () => {
    const env = base() as unknown as Envelope;
    const m = signedMessage(env);
    const { sig: _s, ...rest } = base();
    const want = 'qfs-ledger-bundle/1 event\n' + canonicalize(rest);
    expect(new TextDecoder().decode(m)).toBe(want);
    expect(toHex(eventId(env))).toBe(createHash('sha256').update(want).digest('hex'));
    expect(new TextDecoder().decode(entryBytes(env))).toBe(canonicalize(base()));
    expect(ZERO_ID).toBe('0'.repeat(64));
  });
});

describe('payload schemas and authorisation', () => {
  const env = (type: string, signer: string, payload: Json, epoch = 3) => ({ ...base(), type, signer, payload, epoch }) as unknown as Envelope;
  const attest = { subject: 'n-001', kind: 'node', key: B64_32, zone: 'eu', validFrom: 0, validUntil: 5 };

  it('aegis.attest: zone for nodes only, a window, a real key', () => {
    expect(checkPayload(env('aegis.attest', 'aegis', attest))).toBeNull();
    expect(checkPayload(env('aegis.attest', 'aegis', { ...attest, kind: 'user' }))?.code).toBe('event.schema');
    const { zone: _z, ...user } = attest;
    expect(checkPayload(env('aegis.attest', 'aegis', { ...user, kind: 'user' }))).toBeNull();
    expect(checkPayload(env('aegis.attest', 'aegis', { ...attest, validUntil: -1 }))?.code).toBe('event.schema');
    expect(checkPayload(env('aegis.attest', 'aegis', { ...attest, validFrom: 6 }))?.code).toBe('event.schema');
    expect(checkPayload(env('aegis.attest', 'aegis', { ...attest, subject: 'operator' }))?.code).toBe('event.schema');
    expect(checkPayload(env('aegis.attest', 'aegis', { ...attest, key: B64_64 }))?.code).toBe('event.schema');
  });

  it('aegis.revoke from an epoch not in the past; policy.activate in the future (or genesis)', () => {
    expect(checkPayload(env('aegis.revoke', 'aegis', { subject: 'u-000001', from: 3, reason: 'r' }))).toBeNull();
    expect(checkPayload(env('aegis.revoke', 'aegis', { subject: 'u-000001', from: 2, reason: 'r' }))?.code).toBe('event.schema');
    expect(checkPayload(env('policy.activate', 'governance', { version: '1', fromEpoch: 4, policy: {} }))).toBeNull();
    expect(checkPayload(env('policy.activate', 'governance', { version: '1', fromEpoch: 3, policy: {} }))?.code).toBe('event.schema');
    expect(checkPayload(env('policy.activate', 'governance', { version: '1', fromEpoch: 0, policy: {} }, 0))).toBeNull();
  });

  it('content.publish and engagement field sets; epoch.close names its own epoch', () => {
    const pub = { cid: 'cd'.repeat(32), author: 'u-000001', size: 10, title: 't' };
    expect(checkPayload(env('content.publish', 'u-000001', pub))).toBeNull();
    expect(checkPayload(env('content.publish', 'u-000001', { ...pub, size: '10' }))?.code).toBe('event.schema');
    expect(checkPayload(env('engagement', 'u-000001', { actor: 'u-000001', cid: 'cd'.repeat(32), signal: 'boost' }))?.code).toBe('event.schema');
    expect(checkPayload(env('epoch.close', 'operator', { epoch: 2, stateRoot: '00'.repeat(32) }))?.code).toBe('event.schema');
    expect(checkPayload(env('epoch.close', 'operator', { epoch: 3, stateRoot: '00'.repeat(32) }))).toBeNull();
  });

  it('who may sign what', () => {
    expect(checkAuthorisation(env('aegis.attest', 'aegis', attest), null)).toBeNull();
    expect(checkAuthorisation(env('aegis.attest', 'operator', attest), null)?.code).toBe('signer.unauthorized');
    expect(checkAuthorisation(env('policy.activate', 'aegis', {}), null)?.code).toBe('signer.unauthorized');
    expect(checkAuthorisation(env('reward.allocate', 'governance', {}), null)?.code).toBe('signer.unauthorized');
    const eng = { actor: 'u-000001', cid: 'cd'.repeat(32), signal: 'like' };
    expect(checkAuthorisation(env('engagement', 'u-000001', eng), 'user')).toBeNull();
    expect(checkAuthorisation(env('engagement', 'u-000002', eng), 'user')?.code).toBe('signer.unauthorized');
    expect(checkAuthorisation(env('engagement', 'n-001', { ...eng, actor: 'n-001' }), 'node')?.code).toBe('signer.unauthorized');
    expect(checkAuthorisation(env('engagement', 'operator', eng), null)?.code).toBe('signer.unauthorized');
    expect(checkAuthorisation(env('storage.proof', 'n-001', { node: 'n-001' }), 'node')).toBeNull();
    expect(checkAuthorisation(env('storage.proof', 'n-001', { node: 'n-002' }), 'node')?.code).toBe('signer.unauthorized');
    expect(checkAuthorisation(env('storage.proof', 'u-000001', { node: 'u-000001' }), 'user')?.code).toBe('signer.unauthorized');
  });
});
