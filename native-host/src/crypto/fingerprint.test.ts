import { describe, expect, it } from 'vitest';
import { keyFingerprint } from './fingerprint.js';
import { loadSodium } from './sodium.js';

const sodium = await loadSodium();
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const X = b64(new Uint8Array(32).fill(1));
const ED = b64(new Uint8Array(32).fill(2));

describe('keyFingerprint', () => {
  it('is 40 hex digits in groups of 4', () => {
    expect(keyFingerprint(X, ED)).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){9}$/);
  });

  it('is a context-bound 20-byte BLAKE2b of both keys', () => {
    const input = Buffer.concat([Buffer.from('parley/1 key fingerprint\0'), Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);
    const expected = Buffer.from(sodium.crypto_generichash(20, input, null)).toString('hex');
    expect(keyFingerprint(X, ED).replaceAll(' ', '')).toBe(expected);
  });

  it('accepts bytes as well as base64 and is stable', () => {
    expect(keyFingerprint(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2))).toBe(keyFingerprint(X, ED));
  });

  it('changes with either key and with their order', () => {
    const other = b64(new Uint8Array(32).fill(3));
    const all = new Set([keyFingerprint(X, ED), keyFingerprint(other, ED), keyFingerprint(X, other), keyFingerprint(ED, X)]);
    expect(all.size).toBe(4);
  });

  it('refuses keys of the wrong size', () => {
    expect(() => keyFingerprint(b64(new Uint8Array(31)), ED)).toThrow(/32-byte key/);
  });
});
