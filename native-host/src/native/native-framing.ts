import os from 'node:os';
import { MAX_BROWSER_TO_HOST_BYTES, MAX_HOST_TO_BROWSER_BYTES } from '../../../shared/native-protocol.js';
import { errors } from '../errors.js';
import { decodeJsonBytes } from '../json-bytes.js';

/** Byte order of the 32-bit length prefix. Browsers use the machine's own. */
export type Endianness = 'LE' | 'BE';

/** Size of the length prefix in front of every native-messaging frame. */
export const NATIVE_LENGTH_BYTES = 4;

export interface NativeEncodeOptions {
  /** Defaults to `os.endianness()`. */
  endianness?: Endianness;
  /** Largest body allowed; defaults to `MAX_HOST_TO_BROWSER_BYTES` (Chromium refuses 1 MiB and more). */
  maxBytes?: number;
}

export interface NativeDecoderOptions {
  /** Defaults to `os.endianness()`. */
  endianness?: Endianness;
  /** Largest declared body accepted; defaults to `MAX_BROWSER_TO_HOST_BYTES`. */
  maxBytes?: number;
}

/**
 * Encodes one native-messaging frame: the UTF-8 JSON body preceded by its
 * byte length as an unsigned 32-bit integer in native byte order.
 * Throws `FRAME_TOO_LARGE` when the body exceeds `maxBytes`; throws a
 * TypeError when `message` has no JSON representation (e.g. `undefined`).
 */
export function encodeNativeMessage(message: unknown, options: NativeEncodeOptions = {}): Buffer {
  const endianness = options.endianness ?? os.endianness();
  const maxBytes = options.maxBytes ?? MAX_HOST_TO_BROWSER_BYTES;
  const json = JSON.stringify(message) as string | undefined;
  if (json === undefined) throw new TypeError('Native message has no JSON representation');
  const bodyLength = Buffer.byteLength(json, 'utf8');
  if (bodyLength > maxBytes) throw errors.frameTooLarge(bodyLength, maxBytes);
  const frame = Buffer.allocUnsafe(NATIVE_LENGTH_BYTES + bodyLength);
  if (endianness === 'LE') frame.writeUInt32LE(bodyLength, 0);
  else frame.writeUInt32BE(bodyLength, 0);
  frame.write(json, NATIVE_LENGTH_BYTES, 'utf8');
  return frame;
}

/**
 * Incremental decoder for browser → host frames. Feed it bytes as they
 * arrive; it returns every complete message parsed so far. Any error
 * (`FRAME_TOO_LARGE` for an over-limit declared length, `FRAME_INVALID` for
 * a body that is not UTF-8 JSON) is fatal: the stream has lost sync with
 * the browser, so every later `push` throws too.
 */
export class NativeMessageDecoder {
  private readonly endianness: Endianness;
  private readonly maxBytes: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Body length of the frame being collected, once its prefix is known. */
  private expected: number | null = null;
  private failure: Error | null = null;

  constructor(options: NativeDecoderOptions = {}) {
    this.endianness = options.endianness ?? os.endianness();
    this.maxBytes = options.maxBytes ?? MAX_BROWSER_TO_HOST_BYTES;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  push(chunk: Uint8Array): unknown[] {
    if (this.failure) throw this.failure;
    if (chunk.length > 0) {
      this.chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      this.buffered += chunk.length;
    }
    const messages: unknown[] = [];
    try {
      for (;;) {
        if (this.expected === null) {
          if (this.buffered < NATIVE_LENGTH_BYTES) break;
          const prefix = this.take(NATIVE_LENGTH_BYTES);
          const length = this.endianness === 'LE' ? prefix.readUInt32LE(0) : prefix.readUInt32BE(0);
          // Checked before any body byte is kept, so a hostile length costs nothing.
          if (length > this.maxBytes) throw errors.frameTooLarge(length, this.maxBytes);
          this.expected = length;
        }
        if (this.buffered < this.expected) break;
        const body = this.take(this.expected);
        this.expected = null;
        messages.push(decodeJsonBytes(body));
      }
    } catch (err) {
      this.failure = err instanceof Error ? err : errors.frameInvalid(String(err));
      this.chunks = [];
      this.buffered = 0;
      throw this.failure;
    }
    return messages;
  }

  /** Removes and returns the first `n` buffered bytes (n <= buffered). */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const all = Buffer.concat(this.chunks, this.buffered);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }
}
