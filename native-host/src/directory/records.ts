import { USERNAME_PATTERN } from '../../../shared/contract.js';
import { loadSodium } from '../crypto/sodium.js';
import type { KeyRecord, PresenceFields, SignedPrekey, SignedPresence } from './directory.js';
import { ADDRESS_PATTERN, ISO_TIME_PATTERN, MAX_ADDRESSES } from './validation.js';

const sodium = await loadSodium();
const B64 = sodium.base64_variants.ORIGINAL;

const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;

/** The unsigned part of a key record. */
export type KeyRecordFields = Omit<KeyRecord, 'signature'>;
/** The unsigned part of a prekey. */
export type PrekeyFields = Omit<SignedPrekey, 'signature'>;

/**
 * The exact bytes a key record's signature covers. The `parley/1 key-record`
 * line keeps these signatures from being replayed as any other signed
 * Parley message (prekeys, handshake payloads).
 */
export function keyRecordMessage(username: string, publicKey: string, signingKey: string): Uint8Array {
  return sodium.from_string(`parley/1 key-record\n${username}\n${publicKey}\n${signingKey}`);
}

/** The exact bytes a prekey's signature covers, bound to its owner's username. */
export function prekeyMessage(username: string, prekey: PrekeyFields): Uint8Array {
  return sodium.from_string(`parley/1 prekey\n${username}\n${prekey.id}\n${prekey.publicKey}\n${prekey.createdAt}`);
}

/**
 * The exact bytes a presence record's signature covers, bound to its owner's
 * username. Addresses cannot contain a newline (ADDRESS_PATTERN), so the
 * count and one address per line make the encoding unambiguous.
 */
export function presenceMessage(username: string, presence: PresenceFields): Uint8Array {
  const lines = ['parley/1 presence', username, presence.issuedAt, presence.dhtKey ?? '-', String(presence.addresses.length), ...presence.addresses];
  return sodium.from_string(lines.join('\n'));
}

/** Signs a key record with the owner's Ed25519 private key (64 bytes, libsodium format). */
export function signKeyRecord(fields: KeyRecordFields, signingPrivateKey: Uint8Array): KeyRecord {
  const message = keyRecordMessage(fields.username, fields.publicKey, fields.signingKey);
  const signature = sodium.crypto_sign_detached(message, signingPrivateKey);
  return {
    username: fields.username,
    publicKey: fields.publicKey,
    signingKey: fields.signingKey,
    signature: sodium.to_base64(signature, B64),
  };
}

/**
 * True when the record is well formed (valid username, 32-byte keys, 64-byte
 * signature, all standard base64) and its signature verifies under its own
 * signing key. Whether that signing key is the one pinned for the user is the
 * caller's check. Never throws: directory data is untrusted.
 */
export function verifyKeyRecord(record: unknown): record is KeyRecord {
  if (!isObject(record)) return false;
  const { username, publicKey, signingKey, signature } = record;
  if (typeof username !== 'string' || !USERNAME_PATTERN.test(username)) return false;
  if (decodeExact(publicKey, KEY_BYTES) === null) return false;
  const signer = decodeExact(signingKey, KEY_BYTES);
  const sig = decodeExact(signature, SIGNATURE_BYTES);
  if (signer === null || sig === null) return false;
  const message = keyRecordMessage(username, publicKey as string, signingKey as string);
  return safeVerify(sig, message, signer);
}

/** Signs a prekey for `username` with the owner's Ed25519 private key. */
export function signPrekey(username: string, prekey: PrekeyFields, signingPrivateKey: Uint8Array): SignedPrekey {
  const signature = sodium.crypto_sign_detached(prekeyMessage(username, prekey), signingPrivateKey);
  return {
    id: prekey.id,
    publicKey: prekey.publicKey,
    createdAt: prekey.createdAt,
    signature: sodium.to_base64(signature, B64),
  };
}

/**
 * True when `prekey` is well formed and signed by `signingKeyB64` (the
 * owner's pinned or just-verified Ed25519 key) for `username`. Never throws.
 */
export function verifyPrekey(username: string, signingKeyB64: string, prekey: unknown): prekey is SignedPrekey {
  if (!isObject(prekey) || typeof username !== 'string') return false;
  const { id, publicKey, createdAt, signature } = prekey;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return false;
  if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt))) return false;
  if (decodeExact(publicKey, KEY_BYTES) === null) return false;
  const signer = decodeExact(signingKeyB64, KEY_BYTES);
  const sig = decodeExact(signature, SIGNATURE_BYTES);
  if (signer === null || sig === null) return false;
  const message = prekeyMessage(username, { id, publicKey: publicKey as string, createdAt });
  return safeVerify(sig, message, signer);
}

/** Signs our own presence record with our Ed25519 private key. */
export function signPresence(username: string, presence: PresenceFields, signingPrivateKey: Uint8Array): SignedPresence {
  const signature = sodium.crypto_sign_detached(presenceMessage(username, presence), signingPrivateKey);
  return {
    addresses: [...presence.addresses],
    dhtKey: presence.dhtKey,
    issuedAt: presence.issuedAt,
    signature: sodium.to_base64(signature, B64),
  };
}

/**
 * True when `presence` is well formed (at most MAX_ADDRESSES `host:port`
 * addresses, a 32-byte DHT key or null, an ISO time) and signed by
 * `signingKeyB64` for `username`. The caller passes the friend's pinned key
 * and checks `issuedAt` against the newest record it holds. Never throws.
 */
export function verifyPresence(username: string, signingKeyB64: string, presence: unknown): presence is SignedPresence {
  if (!isObject(presence) || typeof username !== 'string') return false;
  const { addresses, dhtKey, issuedAt, signature } = presence;
  if (!Array.isArray(addresses) || addresses.length > MAX_ADDRESSES) return false;
  if (!addresses.every((a) => typeof a === 'string' && ADDRESS_PATTERN.test(a))) return false;
  if (dhtKey !== null && decodeExact(dhtKey, KEY_BYTES) === null) return false;
  if (typeof issuedAt !== 'string' || !ISO_TIME_PATTERN.test(issuedAt) || Number.isNaN(Date.parse(issuedAt))) return false;
  const signer = decodeExact(signingKeyB64, KEY_BYTES);
  const sig = decodeExact(signature, SIGNATURE_BYTES);
  if (signer === null || sig === null) return false;
  const message = presenceMessage(username, { addresses: addresses as string[], dhtKey: dhtKey as string | null, issuedAt });
  return safeVerify(sig, message, signer);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Decodes canonical standard base64 of exactly `length` bytes, else null.
 * Re-encoding rejects non-canonical spellings, so one key has one string.
 */
function decodeExact(value: unknown, length: number): Uint8Array | null {
  if (typeof value !== 'string' || value.length !== Math.ceil(length / 3) * 4) return null;
  try {
    const bytes = sodium.from_base64(value, B64);
    if (bytes.length !== length || sodium.to_base64(bytes, B64) !== value) return null;
    return bytes;
  } catch {
    return null;
  }
}

function safeVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}
