import { USERNAME_PATTERN } from '../../../shared/contract.js';
import { errors, isParleyError } from '../errors.js';
import { concatBytes } from './bytes.js';
import { defined } from '../../../shared/defined.js';

/**
 * Byte layout of an offline envelope (see envelope.ts for the crypto):
 *
 *   envelope        = version (1) ‖ prekey id (4, BE) ‖ ephemeral key (32) ‖ nonce (24) ‖ outer ciphertext
 *   outer plaintext = len ‖ sender username ‖ sender identity key (32) ‖ len ‖ item id ‖ nonce (24) ‖ inner ciphertext
 *   inner plaintext = version 2: the payload (the peer frame, as the sender's host wrote it)
 *                     version 1: len ‖ timestamp ‖ text (UTF-8, the rest) — a chat message, opened only
 *
 * Every `len` is one byte. Parsing failures throw ENVELOPE_INVALID.
 */

/** The version sealed now. */
export const ENVELOPE_VERSION = 2;
/** Versions opened: 1 is still in mailboxes, sealed before envelopes carried whole frames. */
export const OPENED_ENVELOPE_VERSIONS: readonly number[] = [1, 2];
export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const TAG_BYTES = 16;
/** Bytes before the outer ciphertext. */
export const ENVELOPE_HEADER_BYTES = 1 + 4 + KEY_BYTES + NONCE_BYTES;
/** Everything but the sender username, the item id and the payload. */
export const ENVELOPE_FIXED_OVERHEAD_BYTES = ENVELOPE_HEADER_BYTES + TAG_BYTES + 1 + KEY_BYTES + 1 + NONCE_BYTES + TAG_BYTES;
export const MAX_ENVELOPE_ID_BYTES = 64;
export const MAX_ENVELOPE_TIMESTAMP_BYTES = 40;
/**
 * Largest envelope sealed or opened: 48 KiB, whose base64 is exactly 64 KiB,
 * the directory's default mailbox cap. The frame of a chat message of 16,000
 * characters fits even when every one takes 3 bytes of UTF-8; a frame that
 * does not fit (text made of characters JSON escapes) waits for a session.
 */
export const MAX_ENVELOPE_BYTES = 48 * 1024;

const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
const encoder = new TextEncoder();

export interface EnvelopeHeader {
  version: number;
  prekeyId: number;
  ephemeralKey: Uint8Array;
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

export interface OuterPlaintext {
  senderUsername: string;
  senderIdentityKey: Uint8Array;
  id: string;
  innerNonce: Uint8Array;
  innerCiphertext: Uint8Array;
}

/** A version-1 inner plaintext: always a chat message. */
export interface LegacyInnerPlaintext {
  timestamp: string;
  text: string;
}

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

export function isValidTimestamp(timestamp: string): boolean {
  return timestamp.length <= MAX_ENVELOPE_TIMESTAMP_BYTES && /^[\x20-\x7e]+$/.test(timestamp) && !Number.isNaN(Date.parse(timestamp));
}

/** Length-prefixed ASCII or UTF-8 field. */
export function field(text: string): Uint8Array {
  const bytes = encoder.encode(text);
  if (bytes.length > 255) throw new RangeError('field over 255 bytes');
  return concatBytes(Uint8Array.of(bytes.length), bytes);
}

class Reader {
  #offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  take(length: number): Uint8Array {
    if (this.#offset + length > this.bytes.length) throw errors.envelopeInvalid('truncated');
    this.#offset += length;
    return this.bytes.slice(this.#offset - length, this.#offset);
  }

  text(length = defined(this.take(1)[0])): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.take(length));
    } catch (err) {
      throw isParleyError(err, 'ENVELOPE_INVALID') ? err : errors.envelopeInvalid('malformed text');
    }
  }

  rest(): Uint8Array {
    return this.take(this.bytes.length - this.#offset);
  }
}

export function encodeHeader(prekeyId: number, ephemeralKey: Uint8Array, nonce: Uint8Array): Uint8Array {
  const header = new Uint8Array(ENVELOPE_HEADER_BYTES);
  const view = new DataView(header.buffer);
  view.setUint8(0, ENVELOPE_VERSION);
  view.setUint32(1, prekeyId);
  header.set(ephemeralKey, 5);
  header.set(nonce, 5 + KEY_BYTES);
  return header;
}

export function decodeHeader(bytes: Uint8Array): EnvelopeHeader {
  const reader = new Reader(bytes);
  const version = defined(reader.take(1)[0]);
  if (!OPENED_ENVELOPE_VERSIONS.includes(version)) throw errors.envelopeInvalid(`unknown version ${version}`);
  const prekeyId = new DataView(reader.take(4).buffer).getUint32(0);
  const ephemeralKey = reader.take(KEY_BYTES);
  const nonce = reader.take(NONCE_BYTES);
  const ciphertext = reader.rest();
  if (ciphertext.length < TAG_BYTES) throw errors.envelopeInvalid('truncated');
  return { version, prekeyId, ephemeralKey, nonce, ciphertext };
}

export function encodeOuter(outer: OuterPlaintext): Uint8Array {
  return concatBytes(field(outer.senderUsername), outer.senderIdentityKey, field(outer.id), outer.innerNonce, outer.innerCiphertext);
}

export function decodeOuter(bytes: Uint8Array): OuterPlaintext {
  const reader = new Reader(bytes);
  const senderUsername = reader.text();
  if (!USERNAME_PATTERN.test(senderUsername)) throw errors.envelopeInvalid('invalid sender username');
  const senderIdentityKey = reader.take(KEY_BYTES);
  const id = reader.text();
  if (!isValidId(id)) throw errors.envelopeInvalid('invalid item id');
  const innerNonce = reader.take(NONCE_BYTES);
  const innerCiphertext = reader.rest();
  if (innerCiphertext.length < TAG_BYTES) throw errors.envelopeInvalid('truncated');
  return { senderUsername, senderIdentityKey, id, innerNonce, innerCiphertext };
}

export function decodeLegacyInner(bytes: Uint8Array): LegacyInnerPlaintext {
  const reader = new Reader(bytes);
  const timestamp = reader.text();
  if (!isValidTimestamp(timestamp)) throw errors.envelopeInvalid('invalid timestamp');
  const rest = reader.rest();
  return { timestamp, text: new Reader(rest).text(rest.length) };
}
