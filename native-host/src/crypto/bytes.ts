import { loadSodium } from './sodium.js';

const sodium = await loadSodium();

/** A key pair as libsodium returns it (X25519 or Ed25519). */
export interface KeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** A public key given as standard base64 (as the directory and the API carry it) or as raw bytes. */
export type PublicKeyInput = string | Uint8Array;

/** Concatenates byte arrays into a new one. */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Big-endian unsigned 32-bit integer as 4 bytes. */
export function uint32be(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`not a uint32: ${value}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/**
 * Raw bytes of a public key. Keys reach these helpers from validated storage,
 * so a wrong encoding or length is a programming error and throws at once.
 */
export function publicKeyBytes(input: PublicKeyInput, length = 32): Uint8Array {
  const bytes = typeof input === 'string' ? sodium.from_base64(input, sodium.base64_variants.ORIGINAL) : input;
  if (bytes.length !== length) throw new TypeError(`expected a ${length}-byte key, got ${bytes.length} bytes`);
  return bytes;
}
