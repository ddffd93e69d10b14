import { concatBytes } from './bytes.js';
import { CipherState } from './noise-cipher-state.js';
import { hash, HASHLEN, hkdf, KEYLEN } from './noise-primitives.js';

/**
 * A Noise SymmetricState (spec rev 34, section 5.2): the chaining key, the
 * handshake hash and the CipherState they key.
 */
export class SymmetricState {
  #ck: Uint8Array;
  #h: Uint8Array;
  readonly #cipher = new CipherState();

  constructor(protocolName: string) {
    const name = new TextEncoder().encode(protocolName);
    if (name.length <= HASHLEN) {
      this.#h = new Uint8Array(HASHLEN);
      this.#h.set(name);
    } else {
      this.#h = hash(name);
    }
    this.#ck = this.#h.slice();
  }

  mixKey(inputKeyMaterial: Uint8Array): void {
    const [ck, tempK] = hkdf(this.#ck, inputKeyMaterial, 2) as [Uint8Array, Uint8Array];
    this.#ck = ck;
    this.#cipher.initializeKey(tempK.slice(0, KEYLEN));
  }

  mixHash(data: Uint8Array): void {
    this.#h = hash(concatBytes(this.#h, data));
  }

  hasKey(): boolean {
    return this.#cipher.hasKey();
  }

  handshakeHash(): Uint8Array {
    return this.#h.slice();
  }

  encryptAndHash(plaintext: Uint8Array): Uint8Array {
    const ciphertext = this.#cipher.encryptWithAd(this.#h, plaintext);
    this.mixHash(ciphertext);
    return ciphertext;
  }

  decryptAndHash(ciphertext: Uint8Array): Uint8Array {
    const plaintext = this.#cipher.decryptWithAd(this.#h, ciphertext);
    this.mixHash(ciphertext);
    return plaintext;
  }

  /** The initiator-to-responder and responder-to-initiator CipherStates, in that order. */
  split(): [CipherState, CipherState] {
    const [k1, k2] = hkdf(this.#ck, new Uint8Array(0), 2) as [Uint8Array, Uint8Array];
    return [new CipherState(k1.slice(0, KEYLEN)), new CipherState(k2.slice(0, KEYLEN))];
  }
}
