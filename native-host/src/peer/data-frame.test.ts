import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import { decodeDataFrame, encodeDataFrame, isDataFrame } from './data-frame.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('data frames', () => {
  it('encodes marker, header length, header and raw bytes', () => {
    const frame = encodeDataFrame({ type: 'file_data', id: 'a', offset: 7 }, Uint8Array.of(1, 2, 3));
    const header = '{"type":"file_data","id":"a","offset":7}';
    expect(hex(frame)).toBe(`00${header.length.toString(16).padStart(4, '0')}${Buffer.from(header).toString('hex')}010203`);
    expect(decodeDataFrame(frame)).toEqual({ header: { type: 'file_data', id: 'a', offset: 7 }, data: Uint8Array.of(1, 2, 3) });
  });

  it('is told apart from JSON by its first byte', () => {
    expect(isDataFrame(Buffer.from('{"type":"ping"}'))).toBe(false);
    expect(isDataFrame(Buffer.from(' {}'))).toBe(false);
    expect(isDataFrame(new Uint8Array(0))).toBe(false);
    expect(isDataFrame(encodeDataFrame({}, new Uint8Array(0)))).toBe(true);
  });

  it('refuses headers out of bounds or not JSON', () => {
    const bad = [
      Uint8Array.of(0),
      Uint8Array.of(0, 0),
      Uint8Array.of(0, 0, 9, 0x7b, 0x7d),
      Uint8Array.of(0, 0x04, 0x01, ...new Array<number>(1025).fill(0x20)),
      Uint8Array.of(0, 0, 2, 0x7b, 0x7b),
      Uint8Array.of(0, 0, 2, 0xff, 0xfe),
    ];
    for (const frame of bad) {
      let thrown: unknown;
      try {
        decodeDataFrame(frame);
      } catch (err) {
        thrown = err;
      }
      expect(isParleyError(thrown, 'FRAME_INVALID'), hex(frame)).toBe(true);
    }
  });
});
