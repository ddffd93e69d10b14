import { errors, isParleyError } from '../errors.js';
import { concatBytes, type KeyPair } from './bytes.js';
import type { CipherState } from './noise-cipher-state.js';
import { HANDSHAKE_PATTERNS, type PatternName, type Token } from './noise-patterns.js';
import { dh, DHLEN, generateKeyPair, NOISE_MAX_MESSAGE_BYTES, TAGLEN } from './noise-primitives.js';
import { SymmetricState } from './noise-symmetric-state.js';

export interface HandshakeOptions {
  pattern: PatternName;
  initiator: boolean;
  prologue: Uint8Array;
  /** Local static key pair, when the pattern sends or pre-shares one. */
  s?: KeyPair;
  /** Fixed ephemeral key pair: only for reproducing test vectors. */
  e?: KeyPair;
  /** The remote static public key known in advance (IK initiator). */
  rs?: Uint8Array;
}

/** The two transport CipherStates after the handshake, oriented for this side. */
export interface TransportPair {
  send: CipherState;
  receive: CipherState;
}

/**
 * A Noise HandshakeState (spec rev 34, section 5.3) for
 * Noise_{NN,IK,XX}_25519_ChaChaPoly_BLAKE2b. Bytes in, bytes out: whoever
 * owns the connection moves the messages. Anything wrong with a received
 * message throws HANDSHAKE_FAILED, after which the state is unusable.
 */
export class HandshakeState {
  readonly #initiator: boolean;
  readonly #messages: readonly (readonly Token[])[];
  readonly #symmetric: SymmetricState;
  readonly #s: KeyPair | undefined;
  readonly #fixedE: KeyPair | undefined;
  #e: KeyPair | undefined;
  #rs: Uint8Array | undefined;
  #re: Uint8Array | undefined;
  #index = 0;
  #failed = false;
  #transport: TransportPair | undefined;

  constructor(options: HandshakeOptions) {
    const pattern = HANDSHAKE_PATTERNS[options.pattern];
    this.#initiator = options.initiator;
    this.#messages = pattern.messages;
    this.#s = options.s;
    this.#fixedE = options.e;
    this.#rs = options.rs?.slice();

    const localPre = options.initiator ? pattern.preMessageInitiator : pattern.preMessageResponder;
    const remotePre = options.initiator ? pattern.preMessageResponder : pattern.preMessageInitiator;
    const sendsStatic = this.#messages.some((tokens, i) => this.#isMine(i) && tokens.includes('s'));
    if ((sendsStatic || localPre.includes('s')) && !this.#s) throw new Error(`${options.pattern} needs a local static key`);
    if (remotePre.includes('s') && !this.#rs) throw new Error(`${options.pattern} needs the remote static key`);

    this.#symmetric = new SymmetricState(`Noise_${options.pattern}_25519_ChaChaPoly_BLAKE2b`);
    this.#symmetric.mixHash(options.prologue);
    // Pre-messages are hashed initiator's first, then responder's (section 5.3).
    const initiatorKey = options.initiator ? this.#s?.publicKey : this.#rs;
    const responderKey = options.initiator ? this.#rs : this.#s?.publicKey;
    if (pattern.preMessageInitiator.includes('s') && initiatorKey) this.#symmetric.mixHash(initiatorKey);
    if (pattern.preMessageResponder.includes('s') && responderKey) this.#symmetric.mixHash(responderKey);
  }

  isComplete(): boolean {
    return this.#index === this.#messages.length;
  }

  /** True when the next message is ours to write. */
  isMyTurn(): boolean {
    return !this.isComplete() && this.#isMine(this.#index);
  }

  handshakeHash(): Uint8Array {
    return this.#symmetric.handshakeHash();
  }

  /** The remote static public key, once received (or given in advance). */
  remoteStatic(): Uint8Array | null {
    return this.#rs?.slice() ?? null;
  }

  /** Writes the next handshake message carrying `payload`. */
  writeMessage(payload: Uint8Array): Uint8Array {
    this.#assertTurn(true);
    try {
      const parts: Uint8Array[] = [];
      for (const token of this.#messages[this.#index] ?? []) {
        if (token === 'e') {
          const e = this.#fixedE ?? generateKeyPair();
          this.#e = e;
          parts.push(e.publicKey);
          this.#symmetric.mixHash(e.publicKey);
        } else if (token === 's') {
          parts.push(this.#symmetric.encryptAndHash(this.#requireS().publicKey));
        } else {
          this.#mixDh(token);
        }
      }
      parts.push(this.#symmetric.encryptAndHash(payload));
      const message = concatBytes(...parts);
      if (message.length > NOISE_MAX_MESSAGE_BYTES) throw new RangeError('handshake message over 65535 bytes');
      this.#advance();
      return message;
    } catch (err) {
      this.#failed = true;
      throw err;
    }
  }

  /** Reads the next handshake message and returns its payload. */
  readMessage(message: Uint8Array): Uint8Array {
    this.#assertTurn(false);
    try {
      if (message.length > NOISE_MAX_MESSAGE_BYTES) throw errors.handshakeFailed('message over 65535 bytes');
      let offset = 0;
      const take = (length: number): Uint8Array => {
        if (offset + length > message.length) throw errors.handshakeFailed('message too short');
        offset += length;
        return message.slice(offset - length, offset);
      };
      for (const token of this.#messages[this.#index] ?? []) {
        if (token === 'e') {
          this.#re = take(DHLEN);
          this.#symmetric.mixHash(this.#re);
        } else if (token === 's') {
          this.#rs = this.#symmetric.decryptAndHash(take(this.#symmetric.hasKey() ? DHLEN + TAGLEN : DHLEN));
        } else {
          this.#mixDh(token);
        }
      }
      const payload = this.#symmetric.decryptAndHash(message.slice(offset));
      this.#advance();
      return payload;
    } catch (err) {
      this.#failed = true;
      if (isParleyError(err, 'HANDSHAKE_FAILED')) throw err;
      throw errors.handshakeFailed(isParleyError(err, 'DECRYPT_FAILED') ? 'message not authentic' : 'malformed message');
    }
  }

  /** The transport CipherStates, once the handshake is complete (spec Split()). */
  split(): TransportPair {
    if (!this.#transport) throw new Error('split() before the handshake is complete');
    return this.#transport;
  }

  #isMine(index: number): boolean {
    return (index % 2 === 0) === this.#initiator;
  }

  #assertTurn(writing: boolean): void {
    if (this.#failed) throw errors.handshakeFailed('handshake already failed');
    if (this.isComplete()) throw new Error('handshake already complete');
    if (this.isMyTurn() !== writing) throw new Error(writing ? 'not our turn to write' : 'not our turn to read');
  }

  #requireS(): KeyPair {
    if (!this.#s) throw new Error('no local static key');
    return this.#s;
  }

  #mixDh(token: Exclude<Token, 'e' | 's'>): void {
    // Each token names (initiator key, responder key); pick ours and theirs.
    const [first, second] = token.split('') as ['e' | 's', 'e' | 's'];
    const local = this.#initiator ? first : second;
    const remote = this.#initiator ? second : first;
    const localKey = local === 'e' ? this.#e : this.#s;
    const remoteKey = remote === 'e' ? this.#re : this.#rs;
    if (!localKey || !remoteKey) throw new Error(`missing key for ${token}`);
    let shared: Uint8Array;
    try {
      shared = dh(localKey, remoteKey);
    } catch {
      throw errors.handshakeFailed('invalid remote public key');
    }
    this.#symmetric.mixKey(shared);
  }

  #advance(): void {
    this.#index += 1;
    if (this.isComplete()) {
      const [c1, c2] = this.#symmetric.split();
      this.#transport = this.#initiator ? { send: c1, receive: c2 } : { send: c2, receive: c1 };
    }
  }
}
