import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import { HandshakeState, type TransportPair } from './noise-handshake.js';
import type { PatternName } from './noise-patterns.js';
import { keyPairFromPrivate } from './noise-primitives.js';
import { defined } from '../../../shared/defined.js';

interface Vector {
  protocol_name: string;
  init_prologue: string;
  init_static?: string;
  init_ephemeral: string;
  init_remote_static?: string;
  init_psks?: string[];
  resp_prologue: string;
  resp_static?: string;
  resp_ephemeral: string;
  handshake_hash: string;
  messages: { payload: string; ciphertext: string }[];
}

// The vectors live in the `shared` directory beside the checkout, not inside it.
const vectorsUrl = new URL('../../../../shared/vectors/noise-cacophony-25519-chachapoly-blake2b.json', import.meta.url);
const vectors = (JSON.parse(readFileSync(vectorsUrl, 'utf8')) as { vectors: Vector[] }).vectors;

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const optionalKeyPair = (privateHex?: string) => (privateHex ? keyPairFromPrivate(unhex(privateHex)) : undefined);

function patternOf(protocolName: string): PatternName {
  const match = /^Noise_(NN|IK|XX)_25519_ChaChaPoly_BLAKE2b$/.exec(protocolName);
  if (!match) throw new Error(`unsupported ${protocolName}`);
  return match[1] as PatternName;
}

function parties(vector: Vector) {
  const pattern = patternOf(vector.protocol_name);
  const initiator = new HandshakeState({
    pattern,
    initiator: true,
    prologue: unhex(vector.init_prologue),
    s: optionalKeyPair(vector.init_static),
    e: keyPairFromPrivate(unhex(vector.init_ephemeral)),
    rs: vector.init_remote_static ? unhex(vector.init_remote_static) : undefined,
  });
  const responder = new HandshakeState({
    pattern,
    initiator: false,
    prologue: unhex(vector.resp_prologue),
    s: optionalKeyPair(vector.resp_static),
    e: keyPairFromPrivate(unhex(vector.resp_ephemeral)),
  });
  return { initiator, responder };
}

/** Runs a fresh handshake between two parties with random keys. */
function handshake(pattern: PatternName = 'XX') {
  const initiatorStatic = keyPairFromPrivate(crypto.getRandomValues(new Uint8Array(32)));
  const responderStatic = keyPairFromPrivate(crypto.getRandomValues(new Uint8Array(32)));
  const prologue = new TextEncoder().encode('test');
  const initiator = new HandshakeState({
    pattern,
    initiator: true,
    prologue,
    s: initiatorStatic,
    rs: pattern === 'IK' ? responderStatic.publicKey : undefined,
  });
  const responder = new HandshakeState({ pattern, initiator: false, prologue, s: responderStatic });
  return { initiator, responder, initiatorStatic, responderStatic };
}

function expectCode(fn: () => unknown, code: string) {
  try {
    fn();
  } catch (err) {
    expect(isParleyError(err)).toBe(true);
    expect((err as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('Noise cacophony vectors', () => {
  const supported = vectors.filter((v) => !v.init_psks && /_(NN|IK|XX)_/.test(v.protocol_name));

  it('covers NN, IK and XX', () => {
    expect(supported.map((v) => patternOf(v.protocol_name)).sort()).toEqual(['IK', 'NN', 'XX']);
  });

  for (const vector of supported) {
    it(`reproduces ${vector.protocol_name} byte for byte`, () => {
      const { initiator, responder } = parties(vector);
      let transport: { initiator: TransportPair; responder: TransportPair } | undefined;
      vector.messages.forEach((message, i) => {
        const fromInitiator = i % 2 === 0;
        const payload = unhex(message.payload);
        if (!transport) {
          const [sender, receiver] = fromInitiator ? [initiator, responder] : [responder, initiator];
          const ciphertext = sender.writeMessage(payload);
          expect(hex(ciphertext)).toBe(message.ciphertext);
          expect(hex(receiver.readMessage(ciphertext))).toBe(message.payload);
          if (initiator.isComplete()) {
            expect(responder.isComplete()).toBe(true);
            expect(hex(initiator.handshakeHash())).toBe(vector.handshake_hash);
            expect(hex(responder.handshakeHash())).toBe(vector.handshake_hash);
            transport = { initiator: initiator.split(), responder: responder.split() };
          }
        } else {
          const [sender, receiver] = fromInitiator
            ? [transport.initiator, transport.responder]
            : [transport.responder, transport.initiator];
          const ciphertext = sender.send.encryptWithAd(new Uint8Array(0), payload);
          expect(hex(ciphertext)).toBe(message.ciphertext);
          expect(hex(receiver.receive.decryptWithAd(new Uint8Array(0), ciphertext))).toBe(message.payload);
        }
      });
      expect(transport).toBeDefined();
    });
  }

  it('learns the remote static key', () => {
    const xx = defined(supported.find((v) => v.protocol_name.includes('_XX_')));
    const { initiator, responder } = parties(xx);
    responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
    initiator.readMessage(responder.writeMessage(new Uint8Array(0)));
    expect(hex(defined(initiator.remoteStatic()))).toBe(hex(keyPairFromPrivate(unhex(defined(xx.resp_static))).publicKey));
    responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
    expect(hex(defined(responder.remoteStatic()))).toBe(hex(keyPairFromPrivate(unhex(defined(xx.init_static))).publicKey));
  });
});

describe('HandshakeState failures', () => {
  it.each(['XX', 'IK', 'NN'] as const)('%s: rejects a truncated message 2 with HANDSHAKE_FAILED', (pattern) => {
    const fullLength = (() => {
      const { initiator, responder } = handshake(pattern);
      responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
      return responder.writeMessage(new Uint8Array(0)).length;
    })();
    for (const length of [0, 1, 31, 32, 33, fullLength - 16, fullLength - 1]) {
      const { initiator, responder } = handshake(pattern);
      responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
      const message = responder.writeMessage(new Uint8Array(0));
      expectCode(() => initiator.readMessage(message.slice(0, length)), 'HANDSHAKE_FAILED');
      // A failed state stays failed, even for the genuine message.
      expectCode(() => initiator.readMessage(message), 'HANDSHAKE_FAILED');
    }
  });

  it('rejects any bit flip in an XX message 2 and 3', () => {
    const clean = handshake();
    clean.responder.readMessage(clean.initiator.writeMessage(new Uint8Array(0)));
    const length = clean.responder.writeMessage(new Uint8Array(4)).length;
    for (let position = 0; position < length; position += 7) {
      const { initiator, responder } = handshake();
      responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
      const message = responder.writeMessage(new Uint8Array(4));
      message[position] = defined(message[position]) ^ 0x01;
      expectCode(() => initiator.readMessage(message), 'HANDSHAKE_FAILED');
    }
    const { initiator, responder } = handshake();
    responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
    initiator.readMessage(responder.writeMessage(new Uint8Array(0)));
    const third = initiator.writeMessage(new Uint8Array(0));
    third[third.length - 1] = defined(third[third.length - 1]) ^ 0x80;
    expectCode(() => responder.readMessage(third), 'HANDSHAKE_FAILED');
  });

  it('rejects a low-order ephemeral key with HANDSHAKE_FAILED', () => {
    const { responder } = handshake();
    responder.readMessage(new Uint8Array(32));
    expectCode(() => responder.writeMessage(new Uint8Array(0)), 'HANDSHAKE_FAILED');
  });

  it('refuses misuse at once', () => {
    const { initiator } = handshake();
    expect(() => initiator.readMessage(new Uint8Array(32))).toThrow(/not our turn/);
    expect(() => initiator.split()).toThrow(/before the handshake is complete/);
    expect(() => new HandshakeState({ pattern: 'XX', initiator: true, prologue: new Uint8Array(0) })).toThrow(
      /static key/,
    );
    expect(() => new HandshakeState({ pattern: 'IK', initiator: true, prologue: new Uint8Array(0), s: handshake().initiatorStatic })).toThrow(
      /remote static/,
    );
  });

  it('fails when the prologues differ', () => {
    const a = handshake();
    const b = new HandshakeState({ pattern: 'XX', initiator: false, prologue: new Uint8Array([1]), s: a.responderStatic });
    b.readMessage(a.initiator.writeMessage(new Uint8Array(0)));
    expectCode(() => a.initiator.readMessage(b.writeMessage(new Uint8Array(0))), 'HANDSHAKE_FAILED');
  });
});

describe('transport CipherStates', () => {
  function complete() {
    const { initiator, responder } = handshake();
    responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
    initiator.readMessage(responder.writeMessage(new Uint8Array(0)));
    responder.readMessage(initiator.writeMessage(new Uint8Array(0)));
    expect(Buffer.from(initiator.handshakeHash()).equals(responder.handshakeHash())).toBe(true);
    return { a: initiator.split(), b: responder.split() };
  }
  const ad = new Uint8Array(0);
  const text = (s: string) => new TextEncoder().encode(s);

  it('a flipped bit fails with DECRYPT_FAILED and does not advance the nonce', () => {
    const { a, b } = complete();
    const ciphertext = a.send.encryptWithAd(ad, text('hello'));
    const forged = ciphertext.slice();
    forged[2] = defined(forged[2]) ^ 0x04;
    expectCode(() => b.receive.decryptWithAd(ad, forged), 'DECRYPT_FAILED');
    expect(b.receive.nonce).toBe(0n);
    expect(new TextDecoder().decode(b.receive.decryptWithAd(ad, ciphertext))).toBe('hello');
    expectCode(() => b.receive.decryptWithAd(ad, ciphertext), 'DECRYPT_FAILED');
  });

  it('rekey keeps both sides in step without resetting the nonce', () => {
    const { a, b } = complete();
    b.receive.decryptWithAd(ad, a.send.encryptWithAd(ad, text('one')));
    a.send.rekey();
    const afterRekey = a.send.encryptWithAd(ad, text('two'));
    expect(a.send.nonce).toBe(2n);
    expectCode(() => b.receive.decryptWithAd(ad, afterRekey), 'DECRYPT_FAILED');
    b.receive.rekey();
    expect(new TextDecoder().decode(b.receive.decryptWithAd(ad, afterRekey))).toBe('two');
    // The other direction is untouched.
    expect(new TextDecoder().decode(a.receive.decryptWithAd(ad, b.send.encryptWithAd(ad, text('three'))))).toBe('three');
  });

  it('throws NONCE_EXHAUSTED once the nonce reaches 2^64-1', () => {
    const { a, b } = complete();
    a.send.setNonce(2n ** 64n - 2n);
    b.receive.setNonce(2n ** 64n - 2n);
    const last = a.send.encryptWithAd(ad, text('last'));
    expect(new TextDecoder().decode(b.receive.decryptWithAd(ad, last))).toBe('last');
    expectCode(() => a.send.encryptWithAd(ad, text('more')), 'NONCE_EXHAUSTED');
    expectCode(() => b.receive.decryptWithAd(ad, last), 'NONCE_EXHAUSTED');
  });
});
