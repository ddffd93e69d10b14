import { errors } from '../errors.js';
import { decodeJsonBytes } from '../json-bytes.js';
import type { CipherState } from '../crypto/noise-cipher-state.js';
import { NOISE_MAX_MESSAGE_BYTES, TAGLEN } from '../crypto/noise-primitives.js';
import { MAX_FRAME_BYTES } from './framing.js';
import { defined } from '../../../shared/defined.js';

/** Each direction rekeys (Noise REKEY) after this many frames, on both sides alike. */
export const REKEY_INTERVAL = 2 ** 16;
/** Plaintext carried by one Noise transport message. */
export const MAX_CHUNK_PLAINTEXT_BYTES = NOISE_MAX_MESSAGE_BYTES - TAGLEN;

// Non-final chunks are sealed with this AD and the final one with empty AD,
// so a frame cut short at a chunk boundary fails instead of opening as a prefix.
const MORE_CHUNKS_AD = Uint8Array.of(1);
const NO_AD = new Uint8Array(0);

export interface TransportCipherOptions {
  /** Frames per direction between rekeys. Default REKEY_INTERVAL. */
  rekeyInterval?: number;
  /** Largest sealed frame body, sent or accepted. Default MAX_FRAME_BYTES. */
  maxSealedBytes?: number;
}

/** Size of the sealed body for a plaintext of `plaintextLength` bytes. */
export function sealedLength(plaintextLength: number): number {
  const chunks = Math.max(1, Math.ceil(plaintextLength / MAX_CHUNK_PLAINTEXT_BYTES));
  return plaintextLength + chunks * TAGLEN;
}

/**
 * The session's two CipherStates after the handshake, carrying one JSON value
 * per frame body. A plaintext longer than one Noise message (65519 bytes) is
 * cut into chunks of that size, each a separate Noise message with its own
 * tag, concatenated in one body: every chunk but the last is exactly 65535
 * bytes, so the receiver splits the body without any length fields.
 */
export class TransportCipher {
  readonly #send: CipherState;
  readonly #receive: CipherState;
  readonly #rekeyInterval: number;
  readonly #maxSealedBytes: number;
  #sent = 0;
  #received = 0;

  constructor(send: CipherState, receive: CipherState, options: TransportCipherOptions = {}) {
    this.#send = send;
    this.#receive = receive;
    this.#rekeyInterval = options.rekeyInterval ?? REKEY_INTERVAL;
    this.#maxSealedBytes = options.maxSealedBytes ?? MAX_FRAME_BYTES;
    if (!Number.isSafeInteger(this.#rekeyInterval) || this.#rekeyInterval < 1) throw new RangeError('bad rekeyInterval');
  }

  /** JSON → UTF-8 → encrypted frame body. A value too large for one frame is a programming error. */
  seal(value: unknown): Uint8Array {
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) throw new TypeError('value has no JSON form');
    return this.sealBytes(new TextEncoder().encode(json));
  }

  /** Any plaintext (a JSON text, or a data frame) → encrypted frame body. */
  sealBytes(plaintext: Uint8Array): Uint8Array {
    const length = sealedLength(plaintext.length);
    if (length > this.#maxSealedBytes) throw new RangeError(`sealed frame of ${length} bytes over ${this.#maxSealedBytes}`);
    const body = new Uint8Array(length);
    let offset = 0;
    let start = 0;
    do {
      const end = Math.min(start + MAX_CHUNK_PLAINTEXT_BYTES, plaintext.length);
      const ad = end < plaintext.length ? MORE_CHUNKS_AD : NO_AD;
      const chunk = this.#send.encryptWithAd(ad, plaintext.subarray(start, end));
      body.set(chunk, offset);
      offset += chunk.length;
      start = end;
    } while (start < plaintext.length);
    this.#sent += 1;
    if (this.#sent % this.#rekeyInterval === 0) this.#send.rekey();
    return body;
  }

  /**
   * Frame body → JSON value. Forged, corrupted, replayed or reordered bodies
   * throw DECRYPT_FAILED and leave the receive state as it was; an authentic
   * body that is not UTF-8 JSON throws FRAME_INVALID.
   */
  open(body: Uint8Array): unknown {
    return decodeJsonBytes(this.openBytes(body));
  }

  /** Frame body → plaintext bytes, with the same checks as `open`. */
  openBytes(body: Uint8Array): Uint8Array {
    if (body.length > this.#maxSealedBytes) throw errors.frameTooLarge(body.length, this.#maxSealedBytes);
    const nonce = this.#receive.nonce;
    const parts: Uint8Array[] = [];
    try {
      let offset = 0;
      do {
        const end = Math.min(offset + NOISE_MAX_MESSAGE_BYTES, body.length);
        const ad = end < body.length ? MORE_CHUNKS_AD : NO_AD;
        parts.push(this.#receive.decryptWithAd(ad, body.subarray(offset, end)));
        offset = end;
      } while (offset < body.length);
    } catch (err) {
      this.#receive.setNonce(nonce);
      throw err;
    }
    this.#received += 1;
    if (this.#received % this.#rekeyInterval === 0) this.#receive.rekey();
    return parts.length === 1 ? defined(parts[0]) : Buffer.concat(parts);
  }
}
