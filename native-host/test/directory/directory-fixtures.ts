import { loadSodium } from '../../src/crypto/sodium.js';
import type { KeyRecord, PresenceFields, SignedPrekey, SignedPresence } from '../../src/directory/directory.js';
import { signKeyRecord, signPrekey, signPresence } from '../../src/directory/records.js';

const sodium = await loadSodium();
const b64 = (bytes: Uint8Array) => sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);

/** A user as a host would hold it: signed key record, secret, signing key. */
export interface TestUser {
  record: KeyRecord;
  secret: string;
  signingPrivateKey: Uint8Array;
}

export function makeUser(username: string): TestUser {
  const dh = sodium.crypto_box_keypair();
  const sign = sodium.crypto_sign_keypair();
  const record = signKeyRecord(
    { username, publicKey: b64(dh.publicKey), signingKey: b64(sign.publicKey) },
    sign.privateKey,
  );
  return { record, secret: sodium.to_hex(sodium.randombytes_buf(24)), signingPrivateKey: sign.privateKey };
}

export function makePrekey(user: TestUser, id: number): SignedPrekey {
  const key = sodium.crypto_box_keypair();
  return signPrekey(
    user.record.username,
    { id, publicKey: b64(key.publicKey), createdAt: new Date().toISOString() },
    user.signingPrivateKey,
  );
}

/** A presence record signed by `user`; fields default to one address, no DHT key, now. */
export function makePresence(user: TestUser, fields: Partial<PresenceFields> = {}): SignedPresence {
  return signPresence(
    user.record.username,
    { addresses: ['192.168.1.20:9100'], dhtKey: null, issuedAt: new Date().toISOString(), ...fields },
    user.signingPrivateKey,
  );
}

/** base64 of 32 random bytes, shaped like a public key. */
export function randomKey(): string {
  return b64(sodium.randombytes_buf(32));
}

/** A base64 envelope of exactly `bytes` random bytes. */
export function envelope(bytes: number): string {
  return b64(sodium.randombytes_buf(bytes));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
