import { describe, expect, it } from 'vitest';
import { loadSodium } from '../crypto/sodium.js';
import { KEY_B64_PATTERN, SIGNATURE_B64_PATTERN, addressHost, envelopeBytes } from './validation.js';

const sodium = await loadSodium();
const b64 = (bytes: Uint8Array) => sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);

describe('directory input rules', () => {
  it('accepts exactly the canonical base64 of 32-byte keys and 64-byte signatures', () => {
    for (let i = 0; i < 50; i++) {
      expect(KEY_B64_PATTERN.test(b64(sodium.randombytes_buf(32)))).toBe(true);
      expect(SIGNATURE_B64_PATTERN.test(b64(sodium.randombytes_buf(64)))).toBe(true);
    }
    expect(KEY_B64_PATTERN.test(b64(sodium.randombytes_buf(31)))).toBe(false);
    expect(KEY_B64_PATTERN.test(b64(sodium.randombytes_buf(33)))).toBe(false);
    expect(KEY_B64_PATTERN.test(`${'A'.repeat(42)}B=`)).toBe(false);
    expect(SIGNATURE_B64_PATTERN.test(`${'A'.repeat(85)}B==`)).toBe(false);
  });

  it('measures envelopes by their decoded size', () => {
    for (const n of [1, 2, 3, 4, 100, 101]) expect(envelopeBytes(b64(sodium.randombytes_buf(n)))).toBe(n);
    expect(envelopeBytes('')).toBe(-1);
    expect(envelopeBytes('abc')).toBe(-1);
    expect(envelopeBytes('ab=c')).toBe(-1);
    expect(envelopeBytes(12)).toBe(-1);
  });

  it('takes the host part of an address', () => {
    expect(addressHost('10.0.0.1:9100')).toBe('10.0.0.1');
    expect(addressHost('[::1]:9100')).toBe('::1');
    expect(addressHost('host.example:1')).toBe('host.example');
  });
});
