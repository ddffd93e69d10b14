import { errors } from '../errors.js';
import { decodeJsonBytes } from '../json-bytes.js';
import { defined } from '../../../shared/defined.js';

/**
 * The plaintext of a session frame is either a JSON text or, for bulk file
 * data, a data frame: raw bytes after a small JSON header, so a 64 KB chunk
 * costs neither base64 nor a JSON parse of its bytes.
 *
 *   data frame = 0x00 ‖ header length (2, BE) ‖ header (UTF-8 JSON object) ‖ data
 *
 * A JSON text never starts with a NUL byte, so the first byte tells the two
 * apart. Data frames only ever answer a request of the peer (`file_get`), so
 * a host that never asks never sees one.
 */
export const DATA_FRAME_MARKER = 0x00;
/** Largest header of a data frame. */
export const MAX_DATA_HEADER_BYTES = 1024;

const encoder = new TextEncoder();

export interface DataFramePlaintext {
  header: unknown;
  data: Uint8Array;
}

export function encodeDataFrame(header: object, data: Uint8Array): Uint8Array {
  const json = encoder.encode(JSON.stringify(header));
  if (json.length > MAX_DATA_HEADER_BYTES) throw new RangeError(`data frame header of ${json.length} bytes`);
  const out = new Uint8Array(3 + json.length + data.length);
  out[0] = DATA_FRAME_MARKER;
  out[1] = json.length >> 8;
  out[2] = json.length & 0xff;
  out.set(json, 3);
  out.set(data, 3 + json.length);
  return out;
}

export function isDataFrame(plaintext: Uint8Array): boolean {
  return plaintext.length > 0 && plaintext[0] === DATA_FRAME_MARKER;
}

/** A data frame's header (parsed JSON, unchecked) and its bytes; FRAME_INVALID when malformed. */
export function decodeDataFrame(plaintext: Uint8Array): DataFramePlaintext {
  if (!isDataFrame(plaintext) || plaintext.length < 3) throw errors.frameInvalid('not a data frame');
  const length = (defined(plaintext[1]) << 8) | defined(plaintext[2]);
  if (length > MAX_DATA_HEADER_BYTES || 3 + length > plaintext.length) throw errors.frameInvalid('data frame header out of bounds');
  const header = decodeJsonBytes(plaintext.subarray(3, 3 + length));
  return { header, data: plaintext.subarray(3 + length) };
}
