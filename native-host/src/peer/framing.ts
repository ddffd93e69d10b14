import { errors } from '../errors.js';

/** Largest frame body accepted by default: 1 MiB. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Bytes of the big-endian length prefix. */
export const FRAME_HEADER_BYTES = 4;

/** A frame: 4-byte big-endian body length, then the body. */
export function encodeFrame(body: Uint8Array): Uint8Array {
  if (body.length > 0xffff_ffff) throw new RangeError('frame body over 4 GiB');
  const frame = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  new DataView(frame.buffer).setUint32(0, body.length);
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}

export interface FrameDecoderOptions {
  /** Largest body accepted; a larger declared length throws FRAME_TOO_LARGE. Default MAX_FRAME_BYTES. */
  maxFrameBytes?: number;
}

/**
 * Turns a byte stream, cut anywhere, back into frame bodies. A declared
 * length over the limit throws FRAME_TOO_LARGE as soon as the header is in,
 * before any of the body is buffered; the decoder then stays failed and the
 * connection should be closed.
 */
export class FrameDecoder {
  #max: number;
  readonly #header = new Uint8Array(FRAME_HEADER_BYTES);
  #headerFilled = 0;
  #body: Uint8Array | null = null;
  #bodyFilled = 0;
  #failure: Error | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    this.#max = checkedMax(options.maxFrameBytes ?? MAX_FRAME_BYTES);
  }

  /**
   * Changes the limit for frames whose header has not been read yet. A
   * connection raises it once its handshake is done; read frames with
   * `frames()` so that frames after the handshake in the same chunk meet
   * the new limit.
   */
  setMaxFrameBytes(max: number): void {
    this.#max = checkedMax(max);
  }

  /** Feeds bytes; returns every frame body they complete, in order. */
  push(chunk: Uint8Array): Uint8Array[] {
    return [...this.frames(chunk)];
  }

  /**
   * Feeds bytes and yields the frame bodies they complete, one at a time:
   * each header is checked against the limit in force when the frames
   * before it have been handled.
   */
  *frames(chunk: Uint8Array): Generator<Uint8Array, void, undefined> {
    if (this.#failure) throw this.#failure;
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#body === null) {
        const take = Math.min(FRAME_HEADER_BYTES - this.#headerFilled, chunk.length - offset);
        this.#header.set(chunk.subarray(offset, offset + take), this.#headerFilled);
        this.#headerFilled += take;
        offset += take;
        if (this.#headerFilled < FRAME_HEADER_BYTES) break;
        const length = new DataView(this.#header.buffer).getUint32(0);
        if (length > this.#max) {
          this.#failure = errors.frameTooLarge(length, this.#max);
          throw this.#failure;
        }
        this.#body = new Uint8Array(length);
        this.#bodyFilled = 0;
      }
      const take = Math.min(this.#body.length - this.#bodyFilled, chunk.length - offset);
      this.#body.set(chunk.subarray(offset, offset + take), this.#bodyFilled);
      this.#bodyFilled += take;
      offset += take;
      if (this.#bodyFilled === this.#body.length) {
        const frame = this.#body;
        this.#body = null;
        this.#headerFilled = 0;
        yield frame;
      }
    }
  }

  /** True while part of a frame is buffered: the socket owner times out a stall on this. */
  pending(): boolean {
    return this.#headerFilled > 0;
  }
}

function checkedMax(max: number): number {
  if (!Number.isSafeInteger(max) || max < 0) throw new RangeError('maxFrameBytes must be a non-negative integer');
  return max;
}
