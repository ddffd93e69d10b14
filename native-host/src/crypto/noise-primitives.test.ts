import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hash, hkdf, hmacHash, rekey } from './noise-primitives.js';
import { loadSodium } from './sodium.js';

const sodium = await loadSodium();
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

// node:crypto's BLAKE2b-512 and its HMAC are an independent implementation to check against.
describe('Noise primitives', () => {
  const key = new Uint8Array(64).map((_, i) => i);
  const data = new TextEncoder().encode('input key material');

  it('HASH is BLAKE2b-512', () => {
    expect(hex(hash(data))).toBe(createHash('blake2b512').update(data).digest('hex'));
  });

  it('HMAC-HASH is RFC 2104 HMAC over BLAKE2b-512, for short and long keys', () => {
    expect(hex(hmacHash(key, data))).toBe(createHmac('blake2b512', key).update(data).digest('hex'));
    const longKey = new Uint8Array(200).fill(7);
    expect(hex(hmacHash(longKey, data))).toBe(createHmac('blake2b512', longKey).update(data).digest('hex'));
  });

  it('HKDF chains the HMAC outputs as the spec defines', () => {
    const temp = createHmac('blake2b512', key).update(data).digest();
    const out1 = createHmac('blake2b512', temp).update(Buffer.from([1])).digest();
    const out2 = createHmac('blake2b512', temp).update(Buffer.concat([out1, Buffer.from([2])])).digest();
    const out3 = createHmac('blake2b512', temp).update(Buffer.concat([out2, Buffer.from([3])])).digest();
    expect(hkdf(key, data, 3).map(hex)).toEqual([out1, out2, out3].map((b) => b.toString('hex')));
    expect(hkdf(key, data, 2).map(hex)).toEqual([out1, out2].map((b) => b.toString('hex')));
  });

  it('REKEY encrypts 32 zero bytes under the maximum nonce', () => {
    const k = new Uint8Array(32).fill(9);
    const nonce = Buffer.from('00000000ffffffffffffffff', 'hex');
    const expected = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(new Uint8Array(32), new Uint8Array(0), null, nonce, k);
    expect(hex(rekey(k))).toBe(hex(expected.slice(0, 32)));
  });
});
