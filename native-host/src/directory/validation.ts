import { USERNAME_PATTERN } from '../../../shared/contract.js';
import { errors } from '../errors.js';
import type { KeyRecord, SignedPrekey, SignedPresence } from './directory.js';

// The shape rules every directory enforces. The SQL functions in
// supabase/migrations/ spell the same patterns and numbers, so the local and
// the Supabase directory accept and refuse exactly the same inputs.

/** Most addresses one heartbeat may advertise. */
export const MAX_ADDRESSES = 8;
/** Secrets are client-generated random strings; these bound their length. */
export const MIN_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 256;

/** Canonical standard base64 of exactly 32 bytes (X25519 / Ed25519 public keys). */
export const KEY_B64_PATTERN = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
/** Canonical standard base64 of exactly 64 bytes (Ed25519 signatures). */
export const SIGNATURE_B64_PATTERN = /^[A-Za-z0-9+/]{85}[AQgw]==$/;
/** Standard padded base64 of any length (sealed envelopes). */
export const ENVELOPE_B64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** `host:port` or `[v6]:port`. */
export const ADDRESS_PATTERN = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,253}):[0-9]{1,5}$/;
/** ISO 8601 timestamp as the prekey owner wrote it (kept verbatim: it is signed). */
export const ISO_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})$/;
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUsername(value: unknown): value is string {
  return typeof value === 'string' && USERNAME_PATTERN.test(value);
}

export function checkSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || secret.length > MAX_SECRET_LENGTH) {
    throw errors.directoryRejected(`Secret must be ${MIN_SECRET_LENGTH}-${MAX_SECRET_LENGTH} characters`);
  }
}

export function checkKeyRecord(record: KeyRecord): void {
  if (!isUsername(record.username)) throw errors.directoryRejected('Malformed key record: username');
  if (typeof record.publicKey !== 'string' || !KEY_B64_PATTERN.test(record.publicKey)) {
    throw errors.directoryRejected('Malformed key record: public key');
  }
  if (typeof record.signingKey !== 'string' || !KEY_B64_PATTERN.test(record.signingKey)) {
    throw errors.directoryRejected('Malformed key record: signing key');
  }
  if (typeof record.signature !== 'string' || !SIGNATURE_B64_PATTERN.test(record.signature)) {
    throw errors.directoryRejected('Malformed key record: signature');
  }
}

export function checkPrekey(prekey: SignedPrekey): void {
  const ok =
    Number.isSafeInteger(prekey.id) &&
    prekey.id >= 0 &&
    typeof prekey.publicKey === 'string' &&
    KEY_B64_PATTERN.test(prekey.publicKey) &&
    typeof prekey.createdAt === 'string' &&
    ISO_TIME_PATTERN.test(prekey.createdAt) &&
    typeof prekey.signature === 'string' &&
    SIGNATURE_B64_PATTERN.test(prekey.signature);
  if (!ok) throw errors.directoryRejected('Malformed prekey');
}

export function checkAddresses(addresses: unknown): asserts addresses is string[] {
  if (!Array.isArray(addresses) || addresses.length > MAX_ADDRESSES) {
    throw errors.directoryRejected(`Addresses must be a list of at most ${MAX_ADDRESSES}`);
  }
  for (const address of addresses) {
    if (typeof address !== 'string' || !ADDRESS_PATTERN.test(address)) {
      throw errors.directoryRejected('Malformed address: use host:port');
    }
  }
}

/**
 * Checks a presence record's shape (its signature is for clients to verify)
 * and returns exactly its four fields, so nothing else is ever stored.
 */
export function checkPresence(presence: unknown): SignedPresence {
  if (typeof presence !== 'object' || presence === null || Array.isArray(presence)) {
    throw errors.directoryRejected('Malformed presence record');
  }
  const { addresses, dhtKey, issuedAt, signature } = presence as Record<string, unknown>;
  checkAddresses(addresses);
  const ok =
    (dhtKey === null || (typeof dhtKey === 'string' && KEY_B64_PATTERN.test(dhtKey))) &&
    typeof issuedAt === 'string' &&
    ISO_TIME_PATTERN.test(issuedAt) &&
    typeof signature === 'string' &&
    SIGNATURE_B64_PATTERN.test(signature);
  if (!ok) throw errors.directoryRejected('Malformed presence record');
  return { addresses: [...addresses], dhtKey, issuedAt, signature };
}

/** The host part of `host:port` / `[v6]:port`, as the directory reports `lastIp`. */
export function addressHost(address: string): string {
  const host = address.slice(0, address.lastIndexOf(':'));
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/** Decoded size of a padded base64 string, or -1 when it is not one. */
export function envelopeBytes(envelope: unknown): number {
  if (typeof envelope !== 'string' || envelope.length === 0 || !ENVELOPE_B64_PATTERN.test(envelope)) return -1;
  const padding = envelope.endsWith('==') ? 2 : envelope.endsWith('=') ? 1 : 0;
  return (envelope.length / 4) * 3 - padding;
}
