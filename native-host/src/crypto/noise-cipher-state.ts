import { errors } from '../errors.js';
import { decrypt, encrypt, KEYLEN, MAX_NONCE, NOISE_MAX_MESSAGE_BYTES, rekey, TAGLEN } from './noise-primitives.js';

/**
 * A Noise CipherState (spec rev 34, section 5.1): a key and a 64-bit nonce.
 * Without a key, encryption and decryption pass bytes through unchanged, as
 * the spec requires for the first handshake messages.
 */
export class CipherState {
  #k: Uint8Array | null = null;
  #n = 0n;

  constructor(key?: Uint8Array) {
    if (key) this.initializeKey(key);
  }

  /** Sets a new key and resets the nonce to zero. */
  initializeKey(key: Uint8Array): void {
    if (key.length !== KEYLEN) throw new TypeError(`cipher key must be ${KEYLEN} bytes`);
    this.#k = key.slice();
    this.#n = 0n;
  }

  hasKey(): boolean {
    return this.#k !== null;
  }

  /** The next nonce to be used. */
  get nonce(): bigint {
    return this.#n;
  }

  /** Sets the next nonce (spec SetNonce); used to undo a failed multi-part decryption and in tests. */
  setNonce(nonce: bigint): void {
    if (nonce < 0n || nonce > MAX_NONCE) throw new RangeError('nonce out of range');
    this.#n = nonce;
  }

  /** Encrypts and advances the nonce. Throws NONCE_EXHAUSTED once the nonce reaches 2^64-1. */
  encryptWithAd(ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    if (plaintext.length > NOISE_MAX_MESSAGE_BYTES - TAGLEN) {
      throw new RangeError(`Noise plaintext over ${NOISE_MAX_MESSAGE_BYTES - TAGLEN} bytes`);
    }
    if (this.#k === null) return plaintext.slice();
    if (this.#n === MAX_NONCE) throw errors.nonceExhausted();
    const ciphertext = encrypt(this.#k, this.#n, ad, plaintext);
    this.#n += 1n;
    return ciphertext;
  }

  /**
   * Decrypts and advances the nonce. A forged or corrupted ciphertext throws
   * DECRYPT_FAILED and leaves the nonce where it was, so the next genuine
   * message still opens.
   */
  decryptWithAd(ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
    if (this.#k === null) return ciphertext.slice();
    if (this.#n === MAX_NONCE) throw errors.nonceExhausted();
    if (ciphertext.length < TAGLEN || ciphertext.length > NOISE_MAX_MESSAGE_BYTES) throw errors.decryptFailed();
    let plaintext: Uint8Array;
    try {
      plaintext = decrypt(this.#k, this.#n, ad, ciphertext);
    } catch {
      throw errors.decryptFailed();
    }
    this.#n += 1n;
    return plaintext;
  }

  /** Replaces the key with REKEY(k) (sections 4.2 and 11.3); the nonce carries on. */
  rekey(): void {
    if (this.#k === null) throw new Error('rekey on a CipherState without a key');
    this.#k = rekey(this.#k);
  }
}
