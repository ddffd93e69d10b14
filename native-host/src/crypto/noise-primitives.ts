import { concatBytes, type KeyPair } from './bytes.js';
import { loadSodium } from './sodium.js';

/**
 * The crypto functions of Noise_*_25519_ChaChaPoly_BLAKE2b (Noise spec rev 34,
 * sections 4 and 12), on the standard libsodium build.
 */

const sodium = await loadSodium();

export const DHLEN = 32;
export const HASHLEN = 64;
export const BLOCKLEN = 128;
export const KEYLEN = 32;
export const TAGLEN = 16;
/** Largest Noise message, handshake or transport, in bytes. */
export const NOISE_MAX_MESSAGE_BYTES = 65535;
/** Nonce 2^64-1 is reserved (spec 5.1): reaching it ends the cipher. */
export const MAX_NONCE = 2n ** 64n - 1n;

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = sodium.crypto_box_keypair();
  return { publicKey, privateKey };
}

/** The key pair of a given X25519 private key (fixed ephemerals in test vectors). */
export function keyPairFromPrivate(privateKey: Uint8Array): KeyPair {
  return { publicKey: sodium.crypto_scalarmult_base(privateKey), privateKey: privateKey.slice() };
}

/** X25519. libsodium refuses low-order points, which the spec allows (section 12.1). */
export function dh(keyPair: KeyPair, publicKey: Uint8Array): Uint8Array {
  return sodium.crypto_scalarmult(keyPair.privateKey, publicKey);
}

// 96-bit IETF nonce: 32 bits of zeros, then the 64-bit counter little-endian (section 12.3).
function ietfNonce(n: bigint): Uint8Array {
  const nonce = new Uint8Array(12);
  new DataView(nonce.buffer).setBigUint64(4, n, true);
  return nonce;
}

export function encrypt(k: Uint8Array, n: bigint, ad: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return sodium.crypto_aead_chacha20poly1305_ietf_encrypt(plaintext, ad, null, ietfNonce(n), k);
}

/** Throws (a libsodium error) when the tag does not verify. */
export function decrypt(k: Uint8Array, n: bigint, ad: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return sodium.crypto_aead_chacha20poly1305_ietf_decrypt(null, ciphertext, ad, ietfNonce(n), k);
}

/** REKEY(k) = first 32 bytes of ENCRYPT(k, maxnonce, zerolen, zeros) (section 4.2). */
export function rekey(k: Uint8Array): Uint8Array {
  return encrypt(k, MAX_NONCE, new Uint8Array(0), new Uint8Array(KEYLEN)).slice(0, KEYLEN);
}

export function hash(data: Uint8Array): Uint8Array {
  return sodium.crypto_generichash(HASHLEN, data, null);
}

// HMAC (RFC 2104) over the unkeyed hash, as section 4.3 requires, not BLAKE2b's keyed mode.
export function hmacHash(key: Uint8Array, data: Uint8Array): Uint8Array {
  const block = new Uint8Array(BLOCKLEN);
  block.set(key.length > BLOCKLEN ? hash(key) : key);
  const inner = block.map((byte) => byte ^ 0x36);
  const outer = block.map((byte) => byte ^ 0x5c);
  return hash(concatBytes(outer, hash(concatBytes(inner, data))));
}

/** HKDF(chaining_key, input_key_material, num_outputs) of section 4.3, 2 or 3 outputs. */
export function hkdf(chainingKey: Uint8Array, inputKeyMaterial: Uint8Array, outputs: 2 | 3): Uint8Array[] {
  const tempKey = hmacHash(chainingKey, inputKeyMaterial);
  const result: Uint8Array[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1; i <= outputs; i++) {
    previous = hmacHash(tempKey, concatBytes(previous, Uint8Array.of(i)));
    result.push(previous);
  }
  return result;
}
