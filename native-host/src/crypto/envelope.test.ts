import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import v1 from './envelope-v1.fixture.json' with { type: 'json' };
import {
  DEFAULT_MAX_PREKEY_AGE_MS,
  ENVELOPE_FIXED_OVERHEAD_BYTES,
  ENVELOPE_HEADER_BYTES,
  MAX_ENVELOPE_BYTES,
  openEnvelope,
  sealEnvelope,
  type EnvelopeRecipient,
  type OpenedEnvelope,
  type SealEnvelopeInput,
} from './envelope.js';
import { loadSodium } from './sodium.js';
import { defined } from '../../../shared/defined.js';

const sodium = await loadSodium();
const NOW = Date.parse('2026-06-15T10:31:00.000Z');
const keyPair = () => {
  const { publicKey, privateKey } = sodium.crypto_box_keypair();
  return { publicKey, privateKey };
};

const alice = { username: 'alice', identity: keyPair() };
const bob = { username: 'bob', identity: keyPair(), prekey: { id: 7, keyPair: keyPair(), createdAt: NOW - 1000 } };
const bobInbox: EnvelopeRecipient = {
  username: 'bob',
  identity: bob.identity,
  prekeys: [{ id: 6, keyPair: keyPair(), createdAt: NOW - 8 * 86_400_000 }, bob.prekey],
  now: NOW,
};

const utf8 = (text: string) => new TextEncoder().encode(text);
const PAYLOAD = '{"type":"item","kind":"message","body":{"text":"see you at 8 🍕"}}';

function sealInput(overrides: Partial<SealEnvelopeInput> & { text?: string } = {}): SealEnvelopeInput {
  const { text, ...rest } = overrides;
  return {
    sender: alice,
    recipient: {
      username: 'bob',
      identityKey: bob.identity.publicKey,
      prekey: { id: bob.prekey.id, publicKey: bob.prekey.keyPair.publicKey },
    },
    id: '3b241101-e2bb-4255-8caf-4136c566a962',
    payload: utf8(text ?? PAYLOAD),
    ...rest,
  };
}

function payloadText(opened: OpenedEnvelope): string {
  if (opened.content.version !== 2) throw new Error(`version ${opened.content.version}`);
  return new TextDecoder().decode(opened.content.payload);
}

function whyRejected(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isParleyError(err, 'ENVELOPE_INVALID')) return err.message;
    throw err;
  }
  throw new Error('envelope was accepted');
}

describe('offline envelope', () => {
  it('round-trips and reveals the sender only to the recipient', () => {
    const envelope = sealEnvelope(sealInput());
    expect(envelope[0]).toBe(2);
    const opened = openEnvelope(envelope, bobInbox);
    expect(opened).toEqual({
      senderUsername: 'alice',
      senderIdentityKey: alice.identity.publicKey,
      id: '3b241101-e2bb-4255-8caf-4136c566a962',
      content: { version: 2, payload: utf8(PAYLOAD) },
    });
    // Nothing but the header is in the clear: no sender name or key.
    const clear = Buffer.from(envelope);
    expect(clear.includes(Buffer.from('alice'))).toBe(false);
    expect(clear.includes(Buffer.from(alice.identity.publicKey))).toBe(false);
    expect(envelope.length).toBe(ENVELOPE_FIXED_OVERHEAD_BYTES + 5 + 36 + Buffer.byteLength(PAYLOAD));
  });

  it('still opens a version-1 envelope sealed before envelopes carried frames', () => {
    const key = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
    const inbox: EnvelopeRecipient = {
      username: v1.recipient.username,
      identity: { publicKey: key(v1.recipient.identity_public_key), privateKey: key(v1.recipient.identity_private_key) },
      prekeys: [
        {
          id: v1.prekey.id,
          keyPair: { publicKey: key(v1.prekey.public_key), privateKey: key(v1.prekey.private_key) },
          createdAt: v1.prekey.created_at,
        },
      ],
      now: Date.parse(v1.opened_at),
    };
    const envelope = key(v1.envelope);
    expect(envelope[0]).toBe(1);
    expect(openEnvelope(envelope, inbox)).toEqual({
      senderUsername: v1.sender.username,
      senderIdentityKey: key(v1.sender.identity_public_key),
      id: v1.expected.msg_id,
      content: { version: 1, timestamp: v1.expected.timestamp, text: v1.expected.text },
    });
    // Relabelled as version 2 (or any other), it no longer opens: the version is bound.
    for (const version of [0, 2, 3]) {
      const relabelled = envelope.slice();
      relabelled[0] = version;
      expect(() => openEnvelope(relabelled, inbox)).toThrow(/Envelope rejected/);
    }
  });

  it('uses a fresh ephemeral key and nonce for every envelope', () => {
    const a = sealEnvelope(sealInput());
    const b = sealEnvelope(sealInput());
    expect(Buffer.from(a.subarray(5, 37)).equals(b.subarray(5, 37))).toBe(false);
    expect(Buffer.from(a).equals(b)).toBe(false);
  });

  it('rejects a flipped bit at every position', () => {
    const envelope = sealEnvelope(sealInput({ text: '{"hi":1}' }));
    for (let position = 0; position < envelope.length; position++) {
      for (const bit of [0x01, 0x80]) {
        const tampered = envelope.slice();
        tampered[position] = defined(tampered[position]) ^ bit;
        expect(() => openEnvelope(tampered, bobInbox), `byte ${position}`).toThrow(/Envelope rejected/);
      }
    }
  });

  it('rejects every truncation and trailing bytes', () => {
    const envelope = sealEnvelope(sealInput({ text: '{"hi":1}' }));
    for (let length = 0; length < envelope.length; length++) {
      expect(whyRejected(() => openEnvelope(envelope.subarray(0, length), bobInbox))).toMatch(/Envelope rejected/);
    }
    const longer = new Uint8Array(envelope.length + 1);
    longer.set(envelope);
    expect(whyRejected(() => openEnvelope(longer, bobInbox))).toContain('outer layer does not open');
  });

  it('rejects an envelope for someone else', () => {
    const envelope = sealEnvelope(sealInput());
    const carol: EnvelopeRecipient = { ...bobInbox, username: 'carol', identity: keyPair() };
    expect(whyRejected(() => openEnvelope(envelope, carol))).toContain('outer layer does not open');
    // Same prekey, other identity: still refused, the identity key is bound.
    expect(whyRejected(() => openEnvelope(envelope, { ...bobInbox, identity: keyPair() }))).toContain(
      'outer layer does not open',
    );
    // Bob's keys under another username: the inner layer binds both names.
    expect(whyRejected(() => openEnvelope(envelope, { ...bobInbox, username: 'bobby' }))).toContain(
      'sender not authentic',
    );
  });

  it('rejects unknown and expired prekeys', () => {
    const envelope = sealEnvelope(sealInput());
    expect(whyRejected(() => openEnvelope(envelope, { ...bobInbox, prekeys: bobInbox.prekeys.slice(0, 1) }))).toContain(
      'unknown prekey 7',
    );
    const later = NOW - 1000 + DEFAULT_MAX_PREKEY_AGE_MS + 1;
    expect(whyRejected(() => openEnvelope(envelope, { ...bobInbox, now: later }))).toContain('prekey 7 expired');
    expect(payloadText(openEnvelope(envelope, { ...bobInbox, now: later - 1 }))).toBe(PAYLOAD);
    expect(whyRejected(() => openEnvelope(envelope, { ...bobInbox, maxPrekeyAgeMs: 999 }))).toContain('expired');
    const undated = { ...bobInbox, prekeys: [{ ...bob.prekey, createdAt: 'not a date' }] };
    expect(whyRejected(() => openEnvelope(envelope, undated))).toContain('expired');
  });

  it('accepts a prekey created at an ISO time', () => {
    const envelope = sealEnvelope(sealInput());
    const iso = { ...bobInbox, prekeys: [{ ...bob.prekey, createdAt: new Date(NOW - 5000).toISOString() }] };
    expect(openEnvelope(envelope, iso).senderUsername).toBe('alice');
  });

  it('cannot be forged by someone who knows only the sender’s public key', () => {
    const mallory = { username: 'alice', identity: { publicKey: alice.identity.publicKey, privateKey: keyPair().privateKey } };
    const forged = sealEnvelope(sealInput({ sender: mallory }));
    expect(whyRejected(() => openEnvelope(forged, bobInbox))).toContain('sender not authentic');
  });

  it('never throws anything but ENVELOPE_INVALID on garbage', () => {
    const envelope = sealEnvelope(sealInput());
    const inputs: Uint8Array[] = [new Uint8Array(0), new Uint8Array(ENVELOPE_HEADER_BYTES + 16)];
    for (let i = 0; i < 200; i++) {
      const random = sodium.randombytes_buf(i * 3);
      if (random.length > 0) random[0] = 1 + (i % 2);
      if (random.length > 4) random.set([0, 0, 0, 7], 1);
      inputs.push(random);
    }
    // A low-order ephemeral key behind a valid header.
    const lowOrder = envelope.slice();
    lowOrder.fill(0, 5, 37);
    inputs.push(lowOrder);
    for (const input of inputs) expect(whyRejected(() => openEnvelope(input, bobInbox))).toMatch(/^Envelope rejected/);
    expect(whyRejected(() => openEnvelope(new Uint8Array(MAX_ENVELOPE_BYTES + 1), bobInbox))).toContain('larger than');
  });

  it('carries the frame of a maximal chat message within the size limit', () => {
    const frame = JSON.stringify({
      type: 'item',
      id: '3b241101-e2bb-4255-8caf-4136c566a962',
      kind: 'message',
      body: { timestamp: '2026-06-15T10:30:59.000Z', text: '€'.repeat(16_000) },
    });
    const envelope = sealEnvelope(sealInput({ text: frame }));
    expect(envelope.length).toBeLessThanOrEqual(MAX_ENVELOPE_BYTES);
    expect(Buffer.from(envelope).toString('base64').length).toBeLessThanOrEqual(64 * 1024);
    expect(payloadText(openEnvelope(envelope, bobInbox))).toBe(frame);
    expect(() => sealEnvelope(sealInput({ text: 'x'.repeat(MAX_ENVELOPE_BYTES) }))).toThrow(RangeError);
  });

  it('refuses invalid input when sealing', () => {
    expect(() => sealEnvelope(sealInput({ id: 'no spaces allowed' }))).toThrow(/item id/);
    expect(() => sealEnvelope(sealInput({ sender: { ...alice, username: 'A' } }))).toThrow(/username/);
    const weak = sealInput();
    weak.recipient = { ...weak.recipient, prekey: { id: 7, publicKey: new Uint8Array(32) } };
    expect(whyRejected(() => sealEnvelope(weak))).toContain('not a valid X25519 key');
  });
});
