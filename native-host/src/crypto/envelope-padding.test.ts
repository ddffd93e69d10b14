import { describe, expect, it } from 'vitest';
import { generateIdentity, generateX25519 } from './identity.js';
import { openEnvelope, sealEnvelope } from './envelope.js';
import { MAX_ENVELOPE_BYTES } from './envelope-format.js';
import { envelopeBucket, ENVELOPE_SIZE_BUCKETS, padJsonPayload } from './envelope-padding.js';

const sender = generateIdentity();
const recipient = generateIdentity();
const prekey = generateX25519();
const ID = '0b7a2c1e-4f5d-4c3b-9a8e-7d6f5e4d3c2b';

function seal(text: string, username = 'alice'): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ type: 'item', id: ID, kind: 'message', body: { timestamp: '2026-06-15T10:00:00.000Z', text } }));
  return sealEnvelope({
    sender: { username, identity: { publicKey: sender.publicKey, privateKey: sender.privateKey } },
    recipient: { username: 'bob', identityKey: recipient.publicKey, prekey: { id: 1, publicKey: prekey.publicKey } },
    id: ID,
    payload: padJsonPayload(json, username, ID),
  });
}

describe('envelope size buckets', () => {
  it('seals texts of different lengths in one bucket to the same size, whatever the sender\u2019s name', () => {
    expect(seal('ok').length).toBe(512);
    expect(seal('a'.repeat(120)).length).toBe(512);
    expect(seal('a'.repeat(120), 'a-much-longer-username-here').length).toBe(512);
    expect(seal('a'.repeat(400)).length).toBe(1024);
    expect(seal('é'.repeat(8000)).length).toBe(16_384);
    expect(seal('x'.repeat(16_000)).length).toBe(16_384);
    expect(seal('x'.repeat(16_200)).length).toBe(32_768);
    expect(seal('é'.repeat(16_000)).length).toBe(32_768);
    // Control characters, which JSON escapes six bytes each, fill the largest envelope.
    expect(seal('\u0001'.repeat(7000)).length).toBe(MAX_ENVELOPE_BYTES);
  });

  it('opens to the same JSON value, padding and all', () => {
    const opened = openEnvelope(seal('hello'), {
      username: 'bob',
      identity: { publicKey: recipient.publicKey, privateKey: recipient.privateKey },
      prekeys: [{ id: 1, keyPair: prekey, createdAt: Date.now() }],
    });
    if (opened.content.version !== 2) throw new Error('expected version 2');
    expect(JSON.parse(new TextDecoder().decode(opened.content.payload))).toMatchObject({ body: { text: 'hello' } });
  });

  it('has buckets that grow and end at the largest envelope', () => {
    expect([...ENVELOPE_SIZE_BUCKETS].sort((a, b) => a - b)).toEqual(ENVELOPE_SIZE_BUCKETS);
    expect(ENVELOPE_SIZE_BUCKETS.at(-1)).toBe(MAX_ENVELOPE_BYTES);
    expect(envelopeBucket(1)).toBe(512);
    expect(envelopeBucket(513)).toBe(1024);
    expect(envelopeBucket(MAX_ENVELOPE_BYTES + 1)).toBe(MAX_ENVELOPE_BYTES + 1);
  });
});
