// Worked examples for docs/BUNDLE_FORMAT.md, computed by the real code: a three-event log with
// fixed keys, its event ids, signatures, leaf hashes, root, checkpoint with a cosignature, vkeys
// and trust policy. `npm run spec-examples` prints them; tests/unit/spec-examples.test.ts checks
// that every example block in the document equals what this computes.

import { fromBase64, toBase64, toHex } from '../src/lib/core/bytes';
import { asciiBytes, canonicalize, type Json } from '../src/lib/core/canonical-json';
import { entryBytes, eventId, signedMessage } from '../src/lib/core/envelope';
import { sha256 } from '../src/lib/core/hash';
import { CompactRange, leafHash } from '../src/lib/core/merkle';
import type { Envelope, EventType } from '../src/lib/core/types';
import { deriveKey, type IssuerKey } from '../src/issuer/keys';
import { checkpointText, cosignatureLine, noteBytes, signatureLine, SIG_COSIGNATURE_V1, SIG_ED25519, vkeyOf } from '../src/issuer/notes';

const SEED = 'spec';
const ORIGIN = 'ledger.qfs.example/spec';

export function specExamples(): Array<[string, string]> {
  const operator = deriveKey(SEED, ORIGIN);
  const aegis = deriveKey(SEED, 'aegis.qfs.example');
  const governance = deriveKey(SEED, 'governance.qfs.example');
  const witness = deriveKey(SEED, 'witness-1.qfs.example');
  const user = deriveKey(SEED, 'subject/u-000001');
  const content = asciiBytes('hello, ledger\n');
  const cid = toHex(sha256(content));
  const policyHash = '5f'.repeat(32);

  const events: Envelope[] = [];
  let prev = new Uint8Array(32) as Uint8Array;
  const add = (type: EventType, signer: string, key: IssuerKey, payload: Json, policy?: string) => {
    const env = { v: 1, seq: events.length, epoch: 0, type, signer, key: key.pubB64, prev: toHex(prev), payload, sig: '' } as Envelope;
    if (policy) env.policy = policy;
    env.sig = toBase64(key.sign(signedMessage(env)));
    prev = eventId(env);
    events.push(env);
  };
  add('aegis.attest', 'aegis', aegis, { subject: 'u-000001', kind: 'user', key: user.pubB64, validFrom: 0, validUntil: 99 });
  add('content.publish', 'u-000001', user, { cid, author: 'u-000001', size: content.length, title: 'Hello' });
  add('epoch.close', 'operator', operator, { epoch: 0, stateRoot: '00'.repeat(32) }, policyHash);

  const e1 = events[1]!;
  const m1 = signedMessage(e1);
  const range = new CompactRange();
  const leaves = events.map((e) => leafHash(entryBytes(e)));
  for (const l of leaves) range.append(l);
  const text = checkpointText(ORIGIN, 3, range.root());
  const note = new TextDecoder().decode(noteBytes(text, [signatureLine(operator, text), cosignatureLine(witness, text, 1_767_225_600)]));
  const policy = [`log ${vkeyOf(operator, SIG_ED25519)}`, `witness w1 ${vkeyOf(witness, SIG_COSIGNATURE_V1)}`, 'group witnesses 1 w1', 'quorum witnesses', ''].join('\n');

  return [
    ['keys', [`operator   seed ${toHex(operator.seed)}  pub ${toHex(operator.pub)}`, `aegis      seed ${toHex(aegis.seed)}  pub ${toHex(aegis.pub)}`, `governance seed ${toHex(governance.seed)}  pub ${toHex(governance.pub)}`, `witness-1  seed ${toHex(witness.seed)}  pub ${toHex(witness.pub)}`, `u-000001   seed ${toHex(user.seed)}  pub ${toHex(user.pub)}`].join('\n')],
    ['segment', events.map((e) => canonicalize(e as unknown as Json)).join('\n') + '\n'],
    ['signed-message', new TextDecoder().decode(m1)],
    ['signed-message-hex', toHex(m1).replace(/(.{64})/g, '$1\n').trim()],
    ['event-ids', events.map((e, i) => `id(${i}) = ${toHex(eventId(e))}`).join('\n')],
    ['signature', `sig(1) = ${toHex(fromBase64(e1.sig)!)}`],
    ['leaves', leaves.map((l, i) => `leaf(${i}) = ${toHex(l)}`).join('\n')],
    ['root', `MTH(3) = ${toHex(range.root())}`],
    ['checkpoint', note],
    ['vkeys', [vkeyOf(operator, SIG_ED25519), vkeyOf(governance, SIG_ED25519), vkeyOf(aegis, SIG_ED25519), vkeyOf(witness, SIG_COSIGNATURE_V1)].join('\n')],
    ['trust-policy', policy],
    ['content', `content/${cid}  (${content.length} bytes: "hello, ledger\\n")`]
  ];
}

if (process.argv[1]?.endsWith('spec-examples.mjs')) {
  for (const [name, value] of specExamples()) process.stdout.write(`<!-- example:${name} -->\n\`\`\`\n${value.replace(/\n$/, '')}\n\`\`\`\n\n`);
}
