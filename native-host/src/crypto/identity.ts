import { loadSodium } from './sodium.js';

const sodium = await loadSodium();

/** The user's long-term keys: X25519 for Noise and envelopes, Ed25519 for signatures. */
export interface IdentityKeys {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  signingPublicKey: Uint8Array;
  signingPrivateKey: Uint8Array;
}

export function generateIdentity(): IdentityKeys {
  const dh = sodium.crypto_box_keypair();
  const sign = sodium.crypto_sign_keypair();
  return {
    publicKey: dh.publicKey,
    privateKey: dh.privateKey,
    signingPublicKey: sign.publicKey,
    signingPrivateKey: sign.privateKey,
  };
}

/** A fresh X25519 key pair (prekeys). */
export function generateX25519(): { publicKey: Uint8Array; privateKey: Uint8Array } {
  const { publicKey, privateKey } = sodium.crypto_box_keypair();
  return { publicKey, privateKey };
}

export function toBase64(bytes: Uint8Array): string {
  return sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);
}

export function fromBase64(text: string): Uint8Array {
  return sodium.from_base64(text, sodium.base64_variants.ORIGINAL);
}
