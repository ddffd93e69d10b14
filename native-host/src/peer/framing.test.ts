import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from './framing.js';
import { defined } from '../../../shared/defined.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const hex = (frames: Uint8Array[]) => frames.map((f) => Buffer.from(f).toString('hex'));

// Two frames: "abc" and an empty one, then "\x01\x02".
const STREAM = bytes(0, 0, 0, 3, 0x61, 0x62, 0x63, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2);
const EXPECTED = ['616263', '', '0102'];

describe('encodeFrame', () => {
  it('prefixes a 4-byte big-endian length', () => {
    expect(Buffer.from(encodeFrame(bytes(0x61, 0x62, 0x63))).toString('hex')).toBe('00000003616263');
    expect(Buffer.from(encodeFrame(new Uint8Array(0))).toString('hex')).toBe('00000000');
    expect(Buffer.from(encodeFrame(new Uint8Array(0x01_02_03))).subarray(0, 4).toString('hex')).toBe('00010203');
  });
});

describe('FrameDecoder', () => {
  it('decodes several frames from one chunk, including a zero-length one', () => {
    const decoder = new FrameDecoder();
    expect(hex(decoder.push(STREAM))).toEqual(EXPECTED);
    expect(decoder.pending()).toBe(false);
  });

  it('decodes the stream split into two chunks at every position', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      const decoder = new FrameDecoder();
      const frames = [...decoder.push(STREAM.subarray(0, cut)), ...decoder.push(STREAM.subarray(cut))];
      expect(hex(frames)).toEqual(EXPECTED);
      expect(decoder.pending()).toBe(false);
    }
  });

  it('decodes the stream fed one byte at a time and reports a partial frame', () => {
    const decoder = new FrameDecoder();
    const frames: Uint8Array[] = [];
    const pendingAfter: boolean[] = [];
    for (const byte of STREAM) {
      frames.push(...decoder.push(bytes(byte)));
      pendingAfter.push(decoder.pending());
    }
    expect(hex(frames)).toEqual(EXPECTED);
    // Pending inside the first frame, idle right after it and after the empty frame.
    expect(pendingAfter.slice(0, 7)).toEqual([true, true, true, true, true, true, false]);
    expect(pendingAfter.slice(7, 11)).toEqual([true, true, true, false]);
    expect(pendingAfter.at(-1)).toBe(false);
  });

  it('returns frames that do not alias the input chunk', () => {
    const chunk = STREAM.slice();
    const [first] = new FrameDecoder().push(chunk);
    chunk[4] = 0;
    expect(Buffer.from(defined(first)).toString()).toBe('abc');
  });

  it('round-trips encodeFrame output', () => {
    const body = new Uint8Array(70_000).map((_, i) => i % 251);
    const decoder = new FrameDecoder();
    const stream = encodeFrame(body);
    const out = [...decoder.push(stream.subarray(0, 65_536)), ...decoder.push(stream.subarray(65_536))];
    expect(out).toHaveLength(1);
    expect(Buffer.from(defined(out[0])).equals(body)).toBe(true);
  });

  it('rejects an over-limit length as soon as the header arrives', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 16 });
    expect(decoder.push(bytes(0, 0, 0))).toEqual([]);
    let caught: unknown;
    try {
      decoder.push(bytes(17));
    } catch (err) {
      caught = err;
    }
    expect(isParleyError(caught, 'FRAME_TOO_LARGE')).toBe(true);
    expect((caught as Error).message).toContain('17');
    // The decoder stays failed.
    expect(() => decoder.push(bytes(0))).toThrow(/17/);
  });

  it('accepts a frame exactly at the limit and applies the 1 MiB default', () => {
    expect(hex(new FrameDecoder({ maxFrameBytes: 2 }).push(bytes(0, 0, 0, 2, 9, 9)))).toEqual(['0909']);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, MAX_FRAME_BYTES + 1);
    expect(() => new FrameDecoder().push(header)).toThrow(/exceeds the limit of 1048576/);
    new DataView(header.buffer).setUint32(0, 0xffff_ffff);
    expect(() => new FrameDecoder().push(header)).toThrow(/4294967295/);
  });

  it('applies a raised limit to the next frame of the same chunk', () => {
    // A small frame (the handshake's last message), then a larger one in the same chunk.
    const stream = bytes(0, 0, 0, 1, 7, 0, 0, 0, 3, 1, 2, 3);
    const decoder = new FrameDecoder({ maxFrameBytes: 2 });
    const seen: string[] = [];
    for (const frame of decoder.frames(stream)) {
      seen.push(Buffer.from(frame).toString('hex'));
      decoder.setMaxFrameBytes(16);
    }
    expect(seen).toEqual(['07', '010203']);
    // Without the raise, the second header is refused.
    expect(() => new FrameDecoder({ maxFrameBytes: 2 }).push(stream)).toThrow(/3 bytes exceeds the limit of 2/);
  });
});
