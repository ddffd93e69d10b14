import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { MAX_BROWSER_TO_HOST_BYTES, MAX_HOST_TO_BROWSER_BYTES } from '../../../shared/native-protocol.js';
import { isParleyError } from '../errors.js';
import { encodeNativeMessage, NativeMessageDecoder, type Endianness } from './native-framing.js';

// {"type":"request","id":1,"method":"ping"} is 41 bytes (0x29).
const PING_JSON = '{"type":"request","id":1,"method":"ping"}';
const PING_BODY = Buffer.from(PING_JSON, 'utf8');
const FIXTURES: Record<Endianness, Buffer> = {
  LE: Buffer.concat([Buffer.from([0x29, 0x00, 0x00, 0x00]), PING_BODY]),
  BE: Buffer.concat([Buffer.from([0x00, 0x00, 0x00, 0x29]), PING_BODY]),
};
// "é" is two bytes in UTF-8: {"t":"é"} is 10 bytes.
const ACCENT = { LE: [0x0a, 0, 0, 0], BE: [0, 0, 0, 0x0a] };

function prefix(endianness: Endianness, length: number): Buffer {
  const b = Buffer.alloc(4);
  if (endianness === 'LE') b.writeUInt32LE(length);
  else b.writeUInt32BE(length);
  return b;
}

describe.each(['LE', 'BE'] as const)('native framing, %s', (endianness) => {
  it('encodes to the fixed bytes', () => {
    expect(encodeNativeMessage({ type: 'request', id: 1, method: 'ping' }, { endianness })).toEqual(
      FIXTURES[endianness],
    );
  });

  it('counts UTF-8 bytes, not characters, in the length', () => {
    const frame = encodeNativeMessage({ t: 'é' }, { endianness });
    expect([...frame.subarray(0, 4)]).toEqual(ACCENT[endianness]);
    expect(frame.subarray(4).toString('utf8')).toBe('{"t":"é"}');
  });

  it('decodes the fixture in one chunk', () => {
    const decoder = new NativeMessageDecoder({ endianness });
    expect(decoder.push(FIXTURES[endianness])).toEqual([{ type: 'request', id: 1, method: 'ping' }]);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('decodes two frames split at every byte position', () => {
    const second = encodeNativeMessage({ t: 'é', n: [1, 2] }, { endianness });
    const stream = Buffer.concat([FIXTURES[endianness], second]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new NativeMessageDecoder({ endianness });
      const got = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(got).toEqual([{ type: 'request', id: 1, method: 'ping' }, { t: 'é', n: [1, 2] }]);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('decodes when fed one byte at a time', () => {
    const decoder = new NativeMessageDecoder({ endianness });
    const got: unknown[] = [];
    for (const byte of FIXTURES[endianness]) got.push(...decoder.push(Uint8Array.of(byte)));
    expect(got).toEqual([{ type: 'request', id: 1, method: 'ping' }]);
  });

  it('rejects an over-limit declared length before the body arrives', () => {
    const decoder = new NativeMessageDecoder({ endianness, maxBytes: 40 });
    let caught: unknown;
    try {
      decoder.push(prefix(endianness, 41));
    } catch (err) {
      caught = err;
    }
    expect(isParleyError(caught, 'FRAME_TOO_LARGE')).toBe(true);
    expect(decoder.bufferedBytes).toBe(0);
    // The stream is out of sync from here on.
    expect(() => decoder.push(Buffer.from('{}'))).toThrow(/exceeds/);
  });

  it('accepts a body exactly at the limit', () => {
    const decoder = new NativeMessageDecoder({ endianness, maxBytes: PING_BODY.length });
    expect(decoder.push(FIXTURES[endianness])).toHaveLength(1);
  });

  it('rejects the largest 32-bit length with the default limit', () => {
    const decoder = new NativeMessageDecoder({ endianness });
    expect(() => decoder.push(prefix(endianness, 0xffffffff))).toThrow(
      expect.objectContaining({ code: 'FRAME_TOO_LARGE', message: expect.stringContaining(String(MAX_BROWSER_TO_HOST_BYTES)) }),
    );
  });

  it.each([
    ['invalid JSON', Buffer.from('{"type":', 'utf8')],
    ['an empty body', Buffer.alloc(0)],
    ['invalid UTF-8', Buffer.from([0x22, 0xc3, 0x28, 0x22])],
    ['a lone surrogate half in UTF-8', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])],
  ])('rejects %s as FRAME_INVALID', (_name, body) => {
    const decoder = new NativeMessageDecoder({ endianness });
    expect(() => decoder.push(Buffer.concat([prefix(endianness, body.length), body]))).toThrow(
      expect.objectContaining({ code: 'FRAME_INVALID' }),
    );
  });

  it('round-trips through encode and decode', () => {
    const message = { type: 'hello', text: 'emoji 🎉 and "quotes"\n', nested: { a: [true, null, 1.5] } };
    const decoder = new NativeMessageDecoder({ endianness });
    expect(decoder.push(encodeNativeMessage(message, { endianness }))).toEqual([message]);
  });
});

describe('native framing limits and defaults', () => {
  it('uses the machine byte order by default', () => {
    const frame = encodeNativeMessage({ type: 'request', id: 1, method: 'ping' });
    expect(frame).toEqual(FIXTURES[os.endianness()]);
    expect(new NativeMessageDecoder().push(FIXTURES[os.endianness()])).toHaveLength(1);
  });

  it('refuses a host → browser message of 1 MiB and accepts one byte less', () => {
    // A JSON string's body is its characters plus two quotes.
    const atLimit = 'x'.repeat(MAX_HOST_TO_BROWSER_BYTES - 2);
    expect(encodeNativeMessage(atLimit).length).toBe(4 + MAX_HOST_TO_BROWSER_BYTES);
    const oneMiB = 'x'.repeat(1024 * 1024 - 2);
    expect(() => encodeNativeMessage(oneMiB)).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
  });

  it('honours a custom encode limit', () => {
    expect(() => encodeNativeMessage({ a: 1 }, { maxBytes: 6 })).toThrow(expect.objectContaining({ code: 'FRAME_TOO_LARGE' }));
    expect(encodeNativeMessage({ a: 1 }, { maxBytes: 7 }).length).toBe(11);
  });

  it('throws a TypeError for values without JSON', () => {
    expect(() => encodeNativeMessage(undefined)).toThrow(TypeError);
  });
});
