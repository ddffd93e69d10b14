import { errors } from '../errors.js';
import type { KeyPair } from '../crypto/bytes.js';
import { HandshakeState } from '../crypto/noise-handshake.js';
import { createIdentityProof, verifyIdentityProof } from './peer-identity-proof.js';
import { TransportCipher, type TransportCipherOptions } from './transport-cipher.js';

/** Noise prologue of every Parley peer session: names the protocol and its version. */
export const PEER_PROLOGUE = 'parley/1 Noise_XX_25519_ChaChaPoly_BLAKE2b';

export interface PeerHandshakeOptions {
  /** Our own username (already normalised). */
  username: string;
  /** Our X25519 identity key pair: the Noise static key. */
  staticKeys: KeyPair;
  /** Our Ed25519 signing key pair, which signs the identity proof. */
  signingKeys: KeyPair;
  /** When set, a peer presenting another username is refused (the dialler knows whom it called). */
  expectedRemoteUsername?: string;
  transport?: TransportCipherOptions;
}

/** What the handshake proved about the peer. Pinning is the caller's check. */
export interface PeerHandshakeResult {
  /** The peer's X25519 static key: compare with the friend's pinned key. */
  remoteStatic: Uint8Array;
  remoteUsername: string;
  /** The peer's Ed25519 key, which signed the binding of username and static key. */
  remoteSigningKey: Uint8Array;
  handshakeHash: Uint8Array;
  transport: TransportCipher;
}

export interface PeerHandshakeStep {
  /** Bytes to send to the peer as one frame. */
  send?: Uint8Array;
  /** Set when the handshake is complete. */
  done?: PeerHandshakeResult;
}

/**
 * One side of Parley's Noise_XX handshake, driven by the socket owner:
 * call `next(null)` on the initiator to start, then `next(frame)` with each
 * frame received, and send whatever `send` holds. Message 1 carries no
 * payload; messages 2 and 3 carry the identity proofs. Any defect throws
 * HANDSHAKE_FAILED and ends the handshake.
 *
 * The initiator gets `send` (message 3) and `done` from the same step: check
 * the pin before sending message 3, so a stranger never learns who dialled.
 */
export interface PeerHandshake {
  readonly initiator: boolean;
  next(incoming: Uint8Array | null): PeerHandshakeStep;
}

export function createInitiator(options: PeerHandshakeOptions): PeerHandshake {
  return new PeerHandshakeDriver(true, options);
}

export function createResponder(options: PeerHandshakeOptions): PeerHandshake {
  return new PeerHandshakeDriver(false, options);
}

class PeerHandshakeDriver implements PeerHandshake {
  readonly initiator: boolean;
  readonly #options: PeerHandshakeOptions;
  readonly #noise: HandshakeState;
  readonly #proof: Uint8Array;
  #state: 'running' | 'done' | 'failed' = 'running';

  constructor(initiator: boolean, options: PeerHandshakeOptions) {
    this.initiator = initiator;
    this.#options = options;
    this.#noise = new HandshakeState({
      pattern: 'XX',
      initiator,
      prologue: new TextEncoder().encode(PEER_PROLOGUE),
      s: options.staticKeys,
    });
    this.#proof = createIdentityProof(options.username, options.staticKeys.publicKey, options.signingKeys);
  }

  next(incoming: Uint8Array | null): PeerHandshakeStep {
    if (this.#state === 'done') throw new Error('peer handshake already complete');
    if (this.#state === 'failed') throw errors.handshakeFailed('handshake already failed');
    const starting = this.initiator && this.#noise.isMyTurn();
    if (starting !== (incoming === null)) {
      throw new Error(starting ? 'the initiator starts with next(null)' : 'next() needs the received frame');
    }
    try {
      const step = incoming === null ? { send: this.#noise.writeMessage(new Uint8Array(0)) } : this.#receive(incoming);
      if (step.done) this.#state = 'done';
      return step;
    } catch (err) {
      this.#state = 'failed';
      throw err;
    }
  }

  #receive(incoming: Uint8Array): PeerHandshakeStep {
    const payload = this.#noise.readMessage(incoming);
    const remoteStatic = this.#noise.remoteStatic();
    if (!remoteStatic) {
      // Message 1: only an ephemeral key, and an empty payload.
      if (payload.length !== 0) throw errors.handshakeFailed('unexpected payload in message 1');
      return { send: this.#noise.writeMessage(this.#proof) };
    }
    const identity = verifyIdentityProof(payload, remoteStatic);
    const expected = this.#options.expectedRemoteUsername;
    if (expected !== undefined && identity.username !== expected) {
      throw errors.handshakeFailed(`peer is '${identity.username}', expected '${expected}'`);
    }
    const send = this.#noise.isMyTurn() ? this.#noise.writeMessage(this.#proof) : undefined;
    const { send: sendCipher, receive } = this.#noise.split();
    const done: PeerHandshakeResult = {
      remoteStatic,
      remoteUsername: identity.username,
      remoteSigningKey: identity.signingKey,
      handshakeHash: this.#noise.handshakeHash(),
      transport: new TransportCipher(sendCipher, receive, this.#options.transport),
    };
    return send ? { send, done } : { done };
  }
}
