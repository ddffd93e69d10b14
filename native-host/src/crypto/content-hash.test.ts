import { describe, expect, it } from 'vitest';
import { ContentHasher, contentHash } from './content-hash.js';

describe('content hash', () => {
  it('is BLAKE2b-256 (RFC 7693 test vector for "abc", 32-byte output)', () => {
    expect(contentHash(new TextEncoder().encode('abc'))).toBe('bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319');
  });

  it('gives the same digest streamed in any chunking as in one piece', () => {
    const bytes = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
    for (const size of [1, 1000, 65_536, 299_999]) {
      const hasher = new ContentHasher();
      for (let at = 0; at < bytes.length; at += size) hasher.update(bytes.subarray(at, at + size));
      expect(hasher.bytes).toBe(bytes.length);
      expect(hasher.digest()).toBe(contentHash(bytes));
    }
  });

  it('refuses to be used after it finished', () => {
    const hasher = new ContentHasher();
    hasher.discard();
    hasher.discard();
    expect(() => hasher.update(new Uint8Array(1))).toThrow();
  });
});
