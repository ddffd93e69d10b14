import { concatBytes, publicKeyBytes, type PublicKeyInput } from './bytes.js';
import { loadSodium } from './sodium.js';
import { defined } from '../../../shared/defined.js';

const sodium = await loadSodium();

/** Bytes of BLAKE2b output behind a fingerprint: 40 hex digits. */
export const FINGERPRINT_BYTES = 20;
const FINGERPRINT_CONTEXT = new TextEncoder().encode('parley/1 key fingerprint\0');

/**
 * A short, human-comparable digest of a user's two public keys (X25519
 * identity and Ed25519 signing): 40 lower-case hex digits in groups of 4,
 * e.g. `3f2a 9c01 …`. Keys are standard base64, as the contract carries them.
 */
export function keyFingerprint(publicKeyB64: PublicKeyInput, signingKeyB64: PublicKeyInput): string {
  const digest = sodium.crypto_generichash(
    FINGERPRINT_BYTES,
    concatBytes(FINGERPRINT_CONTEXT, publicKeyBytes(publicKeyB64), publicKeyBytes(signingKeyB64)),
    null,
  );
  return defined(Buffer.from(digest).toString('hex').match(/.{4}/g)).join(' ');
}
