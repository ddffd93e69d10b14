import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import { concatBytes } from '../crypto/bytes.js';
import { generateIdentity, type IdentityKeys } from '../crypto/identity.js';
import { loadSodium } from '../crypto/sodium.js';
import {
  createInitiator,
  createResponder,
  PEER_PROLOGUE,
  type PeerHandshake,
  type PeerHandshakeOptions,
  type PeerHandshakeResult,
} from './peer-handshake.js';
import { createIdentityProof } from './peer-identity-proof.js';
import { HandshakeState } from '../crypto/noise-handshake.js';
import { defined } from '../../../shared/defined.js';

const sodium = await loadSodium();

function options(username: string, id: IdentityKeys, extra: Partial<PeerHandshakeOptions> = {}): PeerHandshakeOptions {
  return {
    username,
    staticKeys: { publicKey: id.publicKey, privateKey: id.privateKey },
    signingKeys: { publicKey: id.signingPublicKey, privateKey: id.signingPrivateKey },
    ...extra,
  };
}

const signing = (id: IdentityKeys) => ({ publicKey: id.signingPublicKey, privateKey: id.signingPrivateKey });

const alice = await generateIdentity();
const bob = await generateIdentity();

/** Runs both sides in memory; `tamper` may rewrite message i (0-based) in flight. */
function run(
  initiator: PeerHandshake,
  responder: PeerHandshake,
  tamper: (index: number, message: Uint8Array) => Uint8Array = (_i, m) => m,
): { a: PeerHandshakeResult; b: PeerHandshakeResult } {
  const m1 = defined(initiator.next(null).send);
  const m2 = defined(responder.next(tamper(0, m1)).send);
  const step3 = initiator.next(tamper(1, m2));
  const stepB = responder.next(tamper(2, defined(step3.send)));
  return { a: defined(step3.done), b: defined(stepB.done) };
}

function failureOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (isParleyError(err)) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('nothing was thrown');
}

describe('peer handshake', () => {
  it('names the protocol and version in the prologue', () => {
    expect(PEER_PROLOGUE).toBe('parley/1 Noise_XX_25519_ChaChaPoly_BLAKE2b');
  });

  it('authenticates both sides and exchanges messages both ways', () => {
    const { a, b } = run(createInitiator(options('alice', alice)), createResponder(options('bob', bob)));
    expect(a.remoteUsername).toBe('bob');
    expect(b.remoteUsername).toBe('alice');
    expect(Buffer.from(a.remoteStatic).equals(bob.publicKey)).toBe(true);
    expect(Buffer.from(b.remoteStatic).equals(alice.publicKey)).toBe(true);
    expect(Buffer.from(a.remoteSigningKey).equals(bob.signingPublicKey)).toBe(true);
    expect(Buffer.from(b.remoteSigningKey).equals(alice.signingPublicKey)).toBe(true);
    expect(Buffer.from(a.handshakeHash).equals(b.handshakeHash)).toBe(true);

    for (let i = 0; i < 5; i++) {
      expect(b.transport.open(a.transport.seal({ type: 'message', n: i, text: 'héllo 👋' }))).toEqual({
        type: 'message',
        n: i,
        text: 'héllo 👋',
      });
      expect(a.transport.open(b.transport.seal({ type: 'ack', n: i }))).toEqual({ type: 'ack', n: i });
    }
  });

  it('returns a stranger’s key so the caller can refuse it', async () => {
    // Mallory holds her own keys and claims to be bob: the proof is valid for
    // her keys, so only the pin (bob's known static key) tells them apart.
    const mallory = await generateIdentity();
    const { a } = run(createInitiator(options('alice', alice)), createResponder(options('bob', mallory)));
    expect(a.remoteUsername).toBe('bob');
    expect(sodium.memcmp(a.remoteStatic, mallory.publicKey)).toBe(true);
    expect(sodium.memcmp(a.remoteStatic, bob.publicKey)).toBe(false);
  });

  it('refuses a peer presenting another username than the one dialled', () => {
    const initiator = createInitiator(options('alice', alice, { expectedRemoteUsername: 'carol' }));
    const responder = createResponder(options('bob', bob));
    const m2 = defined(responder.next(defined(initiator.next(null).send)).send);
    const failure = failureOf(() => initiator.next(m2));
    expect(failure.code).toBe('HANDSHAKE_FAILED');
    expect(failure.message).toContain("peer is 'bob'");
    expect(failureOf(() => initiator.next(m2)).code).toBe('HANDSHAKE_FAILED');
  });

  it('refuses a proof signed by another key than the one presented', () => {
    const mallory = sodium.crypto_sign_keypair();
    const forger = createResponder({
      username: 'bob',
      staticKeys: { publicKey: bob.publicKey, privateKey: bob.privateKey },
      signingKeys: { publicKey: bob.signingPublicKey, privateKey: mallory.privateKey },
    });
    const initiator = createInitiator(options('alice', alice));
    const m2 = defined(forger.next(defined(initiator.next(null).send)).send);
    expect(failureOf(() => initiator.next(m2))).toEqual({
      code: 'HANDSHAKE_FAILED',
      message: 'Handshake failed: identity proof signature invalid',
    });
  });

  /** A responder speaking raw Noise, so the test chooses the message 2 payload. */
  function rawResponderReply(payloadFor: (staticKey: Uint8Array) => Uint8Array, staticKeys = sodium.crypto_box_keypair()) {
    const initiator = createInitiator(options('alice', alice));
    const raw = new HandshakeState({
      pattern: 'XX',
      initiator: false,
      prologue: new TextEncoder().encode(PEER_PROLOGUE),
      s: staticKeys,
    });
    raw.readMessage(defined(initiator.next(null).send));
    const m2 = raw.writeMessage(payloadFor(staticKeys.publicKey));
    return () => initiator.next(m2);
  }

  it("refuses Bob's genuine proof replayed over another static key", () => {
    const bobProof = createIdentityProof('bob', bob.publicKey, signing(bob));
    expect(failureOf(rawResponderReply(() => bobProof)).message).toBe('Handshake failed: identity proof signature invalid');
  });

  it('refuses a proof whose username differs from the signed one', () => {
    const reply = rawResponderReply((staticKey) => {
      const proof = createIdentityProof('bob', staticKey, signing(bob));
      proof[2 + 2] = 'p'.charCodeAt(0); // 'bob' -> 'bop'
      return proof;
    });
    expect(failureOf(reply).message).toBe('Handshake failed: identity proof signature invalid');
  });

  it('refuses usernames outside the contract pattern and malformed proofs', () => {
    const upper = rawResponderReply((staticKey) => {
      const proof = createIdentityProof('bob', staticKey, signing(bob));
      proof.set(new TextEncoder().encode('BOB'), 2);
      return proof;
    });
    expect(failureOf(upper).message).toBe('Handshake failed: invalid username in identity proof');
    const cases = [
      new Uint8Array(0),
      Uint8Array.of(2),
      (key: Uint8Array) => createIdentityProof('bob', key, signing(bob)).slice(0, -1),
      (key: Uint8Array) => concatBytes(createIdentityProof('bob', key, signing(bob)), Uint8Array.of(0)),
      (key: Uint8Array) => Uint8Array.of(9, ...createIdentityProof('bob', key, signing(bob)).subarray(1)),
    ];
    for (const payload of cases) {
      const reply = rawResponderReply(typeof payload === 'function' ? payload : () => payload);
      expect(failureOf(reply).code).toBe('HANDSHAKE_FAILED');
    }
  });

  it('refuses a payload in message 1', () => {
    const raw = new HandshakeState({
      pattern: 'XX',
      initiator: true,
      prologue: new TextEncoder().encode(PEER_PROLOGUE),
      s: sodium.crypto_box_keypair(),
    });
    const responder = createResponder(options('bob', bob));
    expect(failureOf(() => responder.next(raw.writeMessage(Uint8Array.of(1)))).message).toBe(
      'Handshake failed: unexpected payload in message 1',
    );
  });

  it('fails cleanly on any truncated or bit-flipped handshake message', () => {
    for (const index of [0, 1, 2]) {
      const lengths = (() => {
        const seen: number[] = [];
        run(createInitiator(options('alice', alice)), createResponder(options('bob', bob)), (i, m) => {
          seen[i] = m.length;
          return m;
        });
        return seen;
      })();
      const full = defined(lengths[index]);
      const edits: ((m: Uint8Array) => Uint8Array)[] = [
        (m) => m.slice(0, 0),
        (m) => m.slice(0, 31),
        (m) => m.slice(0, full - 1),
        (m) => concatBytes(m, Uint8Array.of(0)),
      ];
      for (const position of [0, 5, 31, 32, 40, full - 17, full - 1].filter((p) => p < full)) {
        edits.push((m) => {
          const copy = m.slice();
          copy[position] = defined(copy[position]) ^ 0x20;
          return copy;
        });
      }
      for (const edit of edits) {
        const failure = failureOf(() =>
          run(createInitiator(options('alice', alice)), createResponder(options('bob', bob)), (i, m) =>
            i === index ? edit(m) : m,
          ),
        );
        expect(failure.code).toBe('HANDSHAKE_FAILED');
      }
    }
  });

  it('refuses misuse at once', () => {
    expect(() => createInitiator(options('Alice!', alice))).toThrow(/invalid own username/);
    expect(() => createInitiator(options('alice', alice)).next(Uint8Array.of(1))).toThrow(/starts with next\(null\)/);
    expect(() => createResponder(options('bob', bob)).next(null)).toThrow(/needs the received frame/);
    const initiator = createInitiator(options('alice', alice));
    const responder = createResponder(options('bob', bob));
    run(initiator, responder);
    expect(() => initiator.next(new Uint8Array(48))).toThrow(/already complete/);
  });
});
