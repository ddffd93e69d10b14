import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import { CipherState } from '../crypto/noise-cipher-state.js';
import {
  MAX_CHUNK_PLAINTEXT_BYTES,
  REKEY_INTERVAL,
  sealedLength,
  TransportCipher,
  type TransportCipherOptions,
} from './transport-cipher.js';
import { defined } from '../../../shared/defined.js';

/** Two ends of a session keyed like a Noise split, without a handshake. */
function pair(options: TransportCipherOptions = {}, optionsB: TransportCipherOptions = options) {
  const k1 = crypto.getRandomValues(new Uint8Array(32));
  const k2 = crypto.getRandomValues(new Uint8Array(32));
  return {
    a: new TransportCipher(new CipherState(k1), new CipherState(k2), options),
    b: new TransportCipher(new CipherState(k2), new CipherState(k1), optionsB),
    rawAtoB: new CipherState(k1),
  };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (isParleyError(err)) return err.code;
    throw err;
  }
  return 'none';
}

describe('TransportCipher', () => {
  it('rekeys every 2^16 frames by default', () => {
    expect(REKEY_INTERVAL).toBe(65536);
  });

  it('round-trips JSON values both ways', () => {
    const { a, b } = pair();
    const values = [{ type: 'ping' }, { type: 'message', text: 'ünïcødé 🎉', n: 1 }, [1, 'two', null], 'text', 42];
    for (const value of values) {
      expect(b.open(a.seal(value))).toEqual(value);
      expect(a.open(b.seal(value))).toEqual(value);
    }
  });

  it('refuses a replayed frame and keeps working afterwards', () => {
    const { a, b } = pair();
    const first = a.seal({ n: 1 });
    expect(b.open(first)).toEqual({ n: 1 });
    expect(codeOf(() => b.open(first))).toBe('DECRYPT_FAILED');
    expect(b.open(a.seal({ n: 2 }))).toEqual({ n: 2 });
  });

  it('refuses reordered and bit-flipped frames', () => {
    const { a, b } = pair();
    const one = a.seal({ n: 1 });
    const two = a.seal({ n: 2 });
    expect(codeOf(() => b.open(two))).toBe('DECRYPT_FAILED');
    const flipped = one.slice();
    flipped[0] = defined(flipped[0]) ^ 1;
    expect(codeOf(() => b.open(flipped))).toBe('DECRYPT_FAILED');
    expect(codeOf(() => b.open(new Uint8Array(0)))).toBe('DECRYPT_FAILED');
    expect(b.open(one)).toEqual({ n: 1 });
    expect(b.open(two)).toEqual({ n: 2 });
  });

  it('rekeys both directions in step', () => {
    const { a, b } = pair({ rekeyInterval: 3 });
    for (let i = 0; i < 20; i++) {
      expect(b.open(a.seal({ i }))).toEqual({ i });
      if (i % 2 === 0) expect(a.open(b.seal({ back: i }))).toEqual({ back: i });
    }
  });

  it('really changes the key at the interval', () => {
    const { a, b } = pair({ rekeyInterval: 3 }, { rekeyInterval: 1000 });
    for (let i = 0; i < 3; i++) expect(b.open(a.seal({ i }))).toEqual({ i });
    expect(codeOf(() => b.open(a.seal({ i: 3 })))).toBe('DECRYPT_FAILED');
  });

  it('carries a plaintext longer than one Noise message as several chunks', () => {
    const { a, b } = pair();
    // Control characters triple in size as JSON escapes: far over 65519 bytes.
    const text = '\u0001'.repeat(16_000) + 'x'.repeat(40_000);
    const sealed = a.seal({ text });
    const plaintextLength = JSON.stringify({ text }).length;
    expect(plaintextLength).toBeGreaterThan(2 * MAX_CHUNK_PLAINTEXT_BYTES);
    expect(sealed.length).toBe(sealedLength(plaintextLength));
    expect(sealed.length).toBe(plaintextLength + 3 * 16);
    expect(b.open(sealed)).toEqual({ text });
    expect(b.open(a.seal({ after: true }))).toEqual({ after: true });
  });

  it('refuses a multi-chunk frame cut at a chunk boundary, then resumes', () => {
    const { a, b } = pair();
    const sealed = a.seal({ text: 'y'.repeat(70_000) });
    expect(codeOf(() => b.open(sealed.subarray(0, 65_535)))).toBe('DECRYPT_FAILED');
    expect(b.open(sealed)).toEqual({ text: 'y'.repeat(70_000) });
  });

  it('sizes exact multiples of the chunk size without an empty chunk', () => {
    expect(sealedLength(0)).toBe(16);
    expect(sealedLength(MAX_CHUNK_PLAINTEXT_BYTES)).toBe(65_535);
    expect(sealedLength(MAX_CHUNK_PLAINTEXT_BYTES + 1)).toBe(65_535 + 17);
    const { a, b } = pair();
    const exact = 'z'.repeat(2 * MAX_CHUNK_PLAINTEXT_BYTES - 2); // plus two quotes
    const sealed = a.seal(exact);
    expect(sealed.length).toBe(2 * 65_535);
    expect(b.open(sealed)).toBe(exact);
  });

  it('enforces the sealed size limit on both ends', () => {
    const { a, b } = pair({ maxSealedBytes: 100 });
    expect(() => a.seal('x'.repeat(100))).toThrow(RangeError);
    expect(codeOf(() => b.open(new Uint8Array(101)))).toBe('FRAME_TOO_LARGE');
    expect(() => a.seal(undefined)).toThrow(TypeError);
  });

  it('reports an authentic frame that is not UTF-8 JSON as FRAME_INVALID', () => {
    const { b, rawAtoB } = pair();
    const empty = new Uint8Array(0);
    expect(codeOf(() => b.open(rawAtoB.encryptWithAd(empty, new TextEncoder().encode('{not json'))))).toBe('FRAME_INVALID');
    expect(codeOf(() => b.open(rawAtoB.encryptWithAd(empty, Uint8Array.of(0xff, 0xfe))))).toBe('FRAME_INVALID');
    expect(b.open(rawAtoB.encryptWithAd(empty, new TextEncoder().encode('{"ok":1}')))).toEqual({ ok: 1 });
  });
});
