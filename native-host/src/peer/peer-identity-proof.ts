import { USERNAME_PATTERN } from '../../../shared/contract.js';
import { errors } from '../errors.js';
import { concatBytes, type KeyPair } from '../crypto/bytes.js';
import { loadSodium } from '../crypto/sodium.js';
import { defined } from '../../../shared/defined.js';

/**
 * The identity proof in Parley's Noise handshake payloads (messages 2 and 3):
 * the sender's username and Ed25519 signing key, and a signature by that key
 * binding the username to the X25519 static key of the handshake.
 *
 * Wire form: version (1) ‖ username length (1) ‖ username (ASCII) ‖
 * signing key (32) ‖ signature (64).
 */

const sodium = await loadSodium();

export const IDENTITY_PROOF_VERSION = 1;
const SIGNING_KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const STATIC_KEY_BYTES = 32;
// Domain separation: this signature can never be mistaken for a directory record or prekey signature.
const BINDING_CONTEXT = new TextEncoder().encode('parley/1 peer identity binding\0');

export interface VerifiedIdentity {
  username: string;
  signingKey: Uint8Array;
}

function bindingMessage(username: string, staticPublicKey: Uint8Array): Uint8Array {
  const name = new TextEncoder().encode(username);
  return concatBytes(BINDING_CONTEXT, Uint8Array.of(name.length), name, staticPublicKey);
}

/** Encodes a signed proof for our own username and static key. */
export function createIdentityProof(username: string, staticPublicKey: Uint8Array, signingKeys: KeyPair): Uint8Array {
  if (!USERNAME_PATTERN.test(username)) throw new TypeError(`invalid own username '${username}'`);
  if (staticPublicKey.length !== STATIC_KEY_BYTES) throw new TypeError('static key must be 32 bytes');
  const signature = sodium.crypto_sign_detached(bindingMessage(username, staticPublicKey), signingKeys.privateKey);
  const name = new TextEncoder().encode(username);
  return concatBytes(Uint8Array.of(IDENTITY_PROOF_VERSION, name.length), name, signingKeys.publicKey, signature);
}

/**
 * Decodes a proof and checks its signature over the static key the peer
 * actually used in the handshake. Any defect throws HANDSHAKE_FAILED.
 */
export function verifyIdentityProof(payload: Uint8Array, remoteStatic: Uint8Array): VerifiedIdentity {
  if (payload.length < 2 || payload[0] !== IDENTITY_PROOF_VERSION) throw errors.handshakeFailed('unknown identity proof');
  const nameLength = defined(payload[1]);
  if (payload.length !== 2 + nameLength + SIGNING_KEY_BYTES + SIGNATURE_BYTES) {
    throw errors.handshakeFailed('malformed identity proof');
  }
  let username: string;
  try {
    username = new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(2, 2 + nameLength));
  } catch {
    throw errors.handshakeFailed('malformed identity proof');
  }
  if (!USERNAME_PATTERN.test(username)) throw errors.handshakeFailed('invalid username in identity proof');
  const signingKey = payload.slice(2 + nameLength, 2 + nameLength + SIGNING_KEY_BYTES);
  const signature = payload.slice(2 + nameLength + SIGNING_KEY_BYTES);
  let valid = false;
  try {
    valid = sodium.crypto_sign_verify_detached(signature, bindingMessage(username, remoteStatic), signingKey);
  } catch {
    valid = false;
  }
  if (!valid) throw errors.handshakeFailed('identity proof signature invalid');
  return { username, signingKey };
}
