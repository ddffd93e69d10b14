import { concatBytes, publicKeyBytes, type PublicKeyInput } from './bytes.js';
import { loadSodium } from './sodium.js';
import { defined } from '../../../shared/defined.js';

const sodium = await loadSodium();

/** Hash iterations per half, as Signal's displayable fingerprint uses. */
export const SAFETY_NUMBER_ITERATIONS = 5200;
export const SAFETY_NUMBER_VERSION = 0;

export interface SafetyNumberParty {
  username: string;
  /** X25519 identity key, standard base64 or bytes. */
  publicKey: PublicKeyInput;
  /** Ed25519 signing key, standard base64 or bytes. */
  signingKey: PublicKeyInput;
}

// Signal's NumericFingerprintGenerator: hash = SHA-512(version ‖ key ‖ id), then
// hash = SHA-512(hash ‖ key) for each iteration; both identity keys stand in for its one key.
// libsodium's crypto_hash is SHA-512 (the standard build has no crypto_hash_sha512 wrapper).
function half(party: SafetyNumberParty, iterations: number): string {
  const keys = concatBytes(publicKeyBytes(party.publicKey), publicKeyBytes(party.signingKey));
  const version = Uint8Array.of(SAFETY_NUMBER_VERSION >> 8, SAFETY_NUMBER_VERSION & 0xff);
  let hash = sodium.crypto_hash(concatBytes(version, keys, new TextEncoder().encode(party.username)));
  for (let i = 0; i < iterations; i++) hash = sodium.crypto_hash(concatBytes(hash, keys));
  let digits = '';
  for (let offset = 0; offset < 30; offset += 5) {
    let chunk = 0;
    for (let i = 0; i < 5; i++) chunk = chunk * 256 + defined(hash[offset + i]);
    digits += String(chunk % 100_000).padStart(5, '0');
  }
  return digits;
}

/**
 * Signal-style safety number for two users: 60 digits in 12 groups of 5.
 * Each party contributes 30 digits from an iterated SHA-512 of its keys and
 * username; the halves are ordered so both parties compute the same string.
 */
export function safetyNumber(
  local: SafetyNumberParty,
  remote: SafetyNumberParty,
  iterations = SAFETY_NUMBER_ITERATIONS,
): string {
  const halves = [half(local, iterations), half(remote, iterations)].sort();
  return defined(halves.join('').match(/.{5}/g)).join(' ');
}
