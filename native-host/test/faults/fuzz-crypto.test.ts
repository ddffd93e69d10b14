import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeHeader, decodeLegacyInner, decodeOuter } from '../../src/crypto/envelope-format.js';
import { openEnvelope, sealEnvelope, type EnvelopeRecipient } from '../../src/crypto/envelope.js';
import { generateIdentity } from '../../src/crypto/identity.js';
import { HandshakeState } from '../../src/crypto/noise-handshake.js';
import { generateKeyPair } from '../../src/crypto/noise-primitives.js';
import { createIdentityProof, verifyIdentityProof } from '../../src/peer/peer-identity-proof.js';
import { fuzz, fuzzTotal, type FuzzStats } from './support/fuzz.js';
import { defined } from '../../../shared/defined.js';

/**
 * Property-based fuzzing of what a stranger or a hostile directory controls:
 * Noise_XX handshake messages at each step, the identity proof inside them,
 * and mailbox envelopes (whose outer layer anyone can seal). Refusals must be
 * ParleyErrors; tampered genuine messages must never be accepted.
 */
const stats: FuzzStats[] = [];
afterAll(() => fuzzTotal('crypto', stats));

const prologue = new TextEncoder().encode('parley/1 fuzz');
const initiatorStatic = generateKeyPair();
const responderStatic = generateKeyPair();
const xx = (initiator: boolean) =>
  new HandshakeState({ pattern: 'XX', initiator, prologue, s: initiator ? initiatorStatic : responderStatic });

/** Low-order and degenerate X25519 points, which libsodium refuses in a DH. */
const weakPoints = [new Uint8Array(32), Uint8Array.of(1, ...new Uint8Array(31)), new Uint8Array(32).fill(0xff)];
const handshakeBytes = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.tuple(fc.constantFrom(...weakPoints), fc.uint8Array({ maxLength: 120 })).map(([e, rest]) => new Uint8Array([...e, ...rest])),
);
const edit = fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), kind: fc.constantFrom('flip', 'cut', 'grow') });
type Edit = { at: number; bit: number; kind: 'flip' | 'cut' | 'grow' };

function applyEdit(bytes: Uint8Array, e: Edit): Uint8Array {
  const at = e.at % Math.max(1, bytes.length);
  if (e.kind === 'cut') return bytes.subarray(0, at);
  if (e.kind === 'grow') return new Uint8Array([...bytes, e.bit]);
  const out = bytes.slice();
  out[at] = defined(out[at]) ^ (1 << e.bit);
  return out;
}

describe('Noise_XX handshake messages', () => {
  it('message 1 (read by the responder): anything of 32 bytes or more parses; the reply never crashes', () => {
    stats.push(
      fuzz('noise/msg1', [handshakeBytes], (r, bytes) => {
        const responder = xx(false);
        const payload = r.run(() => responder.readMessage(bytes));
        expect(payload === undefined).toBe(bytes.length < 32);
        if (payload) {
          expect(Buffer.from(payload).equals(Buffer.from(bytes.subarray(32)))).toBe(true);
          r.run(() => responder.writeMessage(new Uint8Array(0)));
        }
      }),
    );
  });

  it('message 2 (read by the initiator) and message 3 (read by the responder): arbitrary bytes are refused', () => {
    stats.push(
      fuzz('noise/msg2+3', [handshakeBytes, fc.boolean()], (r, bytes, third) => {
        const initiator = xx(true);
        const msg1 = initiator.writeMessage(new Uint8Array(0));
        if (!third) return r.mustReject(() => initiator.readMessage(bytes), 'an arbitrary message 2');
        const responder = xx(false);
        responder.readMessage(msg1);
        responder.writeMessage(new Uint8Array(0));
        r.mustReject(() => responder.readMessage(bytes), 'an arbitrary message 3');
      }),
    );
  });

  it('a handshake with any message tampered never completes on both sides', () => {
    stats.push(
      fuzz('noise/tamper', [fc.integer({ min: 0, max: 2 }), edit], (r, step, e) => {
        const parties = [xx(true), xx(false)];
        for (let i = 0; i < 3; i++) {
          const [writer, reader] = i % 2 === 0 ? parties : [defined(parties[1]), defined(parties[0])];
          let message = defined(writer).writeMessage(new Uint8Array(0));
          if (i === step) message = applyEdit(message, e);
          if (r.run(() => defined(reader).readMessage(message)) === undefined) return;
        }
        throw new Error(`a handshake completed with message ${step + 1} tampered (${e.kind})`);
      }),
    );
  });

  it('the identity proof refuses arbitrary and tampered payloads', () => {
    const signing = generateIdentity();
    const keys = { publicKey: signing.signingPublicKey, privateKey: signing.signingPrivateKey };
    const proof = createIdentityProof('alice', initiatorStatic.publicKey, keys);
    stats.push(
      fuzz('noise/identity-proof', [fc.oneof(fc.uint8Array({ maxLength: 200 }), edit.map((e) => applyEdit(proof, e)))], (r, payload) => {
        if (Buffer.from(payload).equals(Buffer.from(proof))) return;
        r.mustReject(() => verifyIdentityProof(payload, initiatorStatic.publicKey), 'a forged identity proof');
      }),
    );
  });
});

describe('mailbox envelopes', () => {
  const alice = { username: 'alice', identity: generateKeyPair() };
  const bobIdentity = generateKeyPair();
  const prekey = { id: 7, keyPair: generateKeyPair(), createdAt: Date.now() };
  const bob: EnvelopeRecipient = { username: 'bob', identity: bobIdentity, prekeys: [prekey] };
  const seal = (text: string, id = '3b241101-e2bb-4255-8caf-4136c566a962') =>
    sealEnvelope({
      sender: alice,
      recipient: { username: 'bob', identityKey: bobIdentity.publicKey, prekey: { id: 7, publicKey: prekey.keyPair.publicKey } },
      id,
      payload: new TextEncoder().encode(text),
    });
  const genuine = seal('meet at the usual place');
  // A header naming bob's real prekey gets past the cheap checks to the AEAD.
  const withKnownPrekey = fc
    .tuple(fc.constantFrom(1, 2), fc.uint8Array({ minLength: 40, maxLength: 400 }))
    .map(([version, rest]) => new Uint8Array([version, 0, 0, 0, 7, ...rest]));

  it('opening refuses arbitrary bytes with ENVELOPE_INVALID only', () => {
    stats.push(
      fuzz('envelope/garbage', [fc.oneof(fc.uint8Array({ maxLength: 400 }), withKnownPrekey)], (r, bytes) => {
        r.mustReject(() => openEnvelope(bytes, bob), 'an arbitrary envelope');
        expect([...r.codes.keys()]).toEqual(['ENVELOPE_INVALID']);
      }),
    );
  });

  it('opening refuses any tampered envelope', () => {
    stats.push(
      fuzz('envelope/tamper', [edit], (r, e) => {
        r.mustReject(() => openEnvelope(applyEdit(genuine, e), bob), `a ${e.kind}`);
      }),
    );
  });

  it('the sealed plaintext decoders (attacker-chosen behind the outer AEAD) refuse garbage cleanly', () => {
    stats.push(
      fuzz('envelope/decoders', [fc.uint8Array({ maxLength: 300 })], (r, bytes) => {
        r.run(() => decodeHeader(bytes));
        r.run(() => decodeOuter(bytes));
        r.run(() => decodeLegacyInner(bytes));
      }),
    );
  });

  it('round-trips any payload and item id', () => {
    const itemId = fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/);
    stats.push(
      fuzz('envelope/roundtrip', [fc.string({ unit: 'grapheme', minLength: 0, maxLength: 300 }), itemId], (_r, text, id) => {
        const opened = openEnvelope(seal(text, id), bob);
        expect(opened).toMatchObject({ senderUsername: 'alice', id, content: { version: 2, payload: new TextEncoder().encode(text) } });
      }),
    );
  });
});
