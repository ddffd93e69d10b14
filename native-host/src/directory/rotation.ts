import { loadSodium } from '../crypto/sodium.js';
import { ISO_TIME_PATTERN, KEY_B64_PATTERN, SIGNATURE_B64_PATTERN } from './validation.js';

const sodium = await loadSodium();
const B64 = sodium.base64_variants.ORIGINAL;

/**
 * A key rotation: the user's old signing key vouches for their new key
 * pair. The directory cannot check Ed25519 signatures (core PostgreSQL has
 * none), so it only checks the shape, requires the owner's secret and keeps
 * the newest few; friends' hosts verify the chain from the keys they pinned
 * and accept the new keys without a key-change alarm.
 */
export interface KeyRotation {
  oldPublicKey: string;
  oldSigningKey: string;
  newPublicKey: string;
  newSigningKey: string;
  /** ISO time the owner signed it. */
  issuedAt: string;
  /** base64 Ed25519 signature by the old signing key over rotationMessage(...). */
  signature: string;
}

export type RotationFields = Omit<KeyRotation, 'signature'>;

export interface KeyPair {
  publicKey: string;
  signingKey: string;
}

/** The exact bytes a rotation's signature covers, bound to the username. */
export function rotationMessage(username: string, r: RotationFields): Uint8Array {
  return sodium.from_string(
    ['parley/1 key-rotation', username, r.oldPublicKey, r.oldSigningKey, r.newPublicKey, r.newSigningKey, r.issuedAt].join('\n'),
  );
}

export function signRotation(username: string, fields: RotationFields, oldSigningPrivateKey: Uint8Array): KeyRotation {
  const signature = sodium.crypto_sign_detached(rotationMessage(username, fields), oldSigningPrivateKey);
  return { ...fields, signature: sodium.to_base64(signature, B64) };
}

/** True for a well-formed rotation (the directory's check; the signature is the client's). */
export function isRotationShape(value: unknown): value is KeyRotation {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const key = (v: unknown) => typeof v === 'string' && KEY_B64_PATTERN.test(v);
  return (
    key(r.oldPublicKey) &&
    key(r.oldSigningKey) &&
    key(r.newPublicKey) &&
    key(r.newSigningKey) &&
    typeof r.issuedAt === 'string' &&
    ISO_TIME_PATTERN.test(r.issuedAt) &&
    typeof r.signature === 'string' &&
    SIGNATURE_B64_PATTERN.test(r.signature)
  );
}

/** The rotation's five signed fields and signature only, so nothing else is stored. */
export function rotationFields(r: KeyRotation): KeyRotation {
  const { oldPublicKey, oldSigningKey, newPublicKey, newSigningKey, issuedAt, signature } = r;
  return { oldPublicKey, oldSigningKey, newPublicKey, newSigningKey, issuedAt, signature };
}

/**
 * Walks `rotations` (oldest first) from the pinned keys: each step must
 * start at the keys reached so far and be signed by their signing key. True
 * when the walk ends at `current`. Never throws: directory data is untrusted.
 */
export function verifyRotationChain(username: string, pinned: KeyPair, rotations: unknown, current: KeyPair): boolean {
  if (!Array.isArray(rotations)) return false;
  let at = pinned;
  for (const r of rotations) {
    if (same(at, current)) break;
    if (!isRotationShape(r) || r.oldPublicKey !== at.publicKey || r.oldSigningKey !== at.signingKey) continue;
    // A forged step is skipped, not fatal: the directory must not be able to hide a real one behind it.
    if (!verifySignature(r.signature, rotationMessage(username, r), at.signingKey)) continue;
    at = { publicKey: r.newPublicKey, signingKey: r.newSigningKey };
  }
  return same(at, current) && !same(pinned, current);
}

function same(a: KeyPair, b: KeyPair): boolean {
  return a.publicKey === b.publicKey && a.signingKey === b.signingKey;
}

function verifySignature(signatureB64: string, message: Uint8Array, signingKeyB64: string): boolean {
  try {
    return sodium.crypto_sign_verify_detached(sodium.from_base64(signatureB64, B64), message, sodium.from_base64(signingKeyB64, B64));
  } catch {
    return false;
  }
}
