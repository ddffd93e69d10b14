import { ENVELOPE_FIXED_OVERHEAD_BYTES, MAX_ENVELOPE_BYTES } from './envelope-format.js';

/**
 * Sizes a sealed envelope can have, so the mailbox (which sees every
 * envelope's size) learns a bucket rather than the length of the text:
 * 512 bytes holds a short message (about 150 characters of ASCII with the
 * frame and the envelope's own bytes), then each bucket doubles, up to the
 * largest envelope. Doubling costs at most twice the bytes and leaves about
 * three bits of the size to see; the mailbox caps what each one holds.
 */
export const ENVELOPE_SIZE_BUCKETS: readonly number[] = [512, 1024, 2048, 4096, 8192, 16_384, 32_768, MAX_ENVELOPE_BYTES];

/** The size of an envelope sealing `payloadBytes` for a sender and item id of these lengths. */
export function envelopeLength(senderUsername: string, id: string, payloadBytes: number): number {
  return ENVELOPE_FIXED_OVERHEAD_BYTES + Buffer.byteLength(senderUsername) + Buffer.byteLength(id) + payloadBytes;
}

/** The smallest bucket that holds `length` bytes; `length` itself past the largest (sealing refuses it anyway). */
export function envelopeBucket(length: number): number {
  return ENVELOPE_SIZE_BUCKETS.find((bucket) => bucket >= length) ?? length;
}

/**
 * Pads a JSON payload with trailing spaces so the envelope sealing it
 * fills its bucket. JSON allows whitespace after the value, so every host
 * (those from before padding too) opens it exactly as before.
 */
export function padJsonPayload(json: Uint8Array, senderUsername: string, id: string): Uint8Array {
  const length = envelopeLength(senderUsername, id, json.length);
  const target = envelopeBucket(length);
  if (target <= length) return json;
  const padded = new Uint8Array(json.length + (target - length)).fill(0x20);
  padded.set(json);
  return padded;
}
