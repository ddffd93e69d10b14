import { describe, expect, it } from 'vitest';
import { decoder, encode } from './frames.js';

describe('floor frames', () => {
  it('round-trips frames cut at every byte boundary', () => {
    const frames = [encode(1, Buffer.from('{"text":"hi"}')), encode(0xfffffffe), encode(3, Buffer.from('x'.repeat(300)))];
    const stream = Buffer.concat(frames);
    for (let cut = 1; cut < stream.length; cut++) {
      const got: Array<[number, string]> = [];
      const push = decoder((id, payload) => got.push([id, payload.toString()]));
      push(stream.subarray(0, cut));
      push(stream.subarray(cut));
      expect(got).toEqual([
        [1, '{"text":"hi"}'],
        [0xfffffffe, ''],
        [3, 'x'.repeat(300)],
      ]);
    }
  });

  it('holds an incomplete frame until the rest arrives', () => {
    const got: number[] = [];
    const push = decoder((id) => got.push(id));
    const frame = encode(9, Buffer.from('abc'));
    push(frame.subarray(0, 5));
    expect(got).toEqual([]);
    push(frame.subarray(5));
    expect(got).toEqual([9]);
  });
});
