import { loadSodium } from '../../src/crypto/sodium.js';
import {
  capabilityHash,
  newCapability,
  newRecoveryCode,
  normalizeRecoveryCode,
  recoveryHash,
  type CapabilityKind,
} from '../../src/directory/capability.js';
import type { Directory, KeyRecord, PresenceFields, SignedPrekey, SignedPresence } from '../../src/directory/directory.js';
import { introSubject, solveWork } from '../../src/directory/proof-of-work.js';
import { signKeyRecord, signPrekey, signPresence } from '../../src/directory/records.js';
import type { DirectorySettings } from '../../src/directory/settings.js';
import { defined } from '../../../shared/defined.js';

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

/** Test directories start with easy proofs of work; a test that is about them sets its own. */
export const TEST_SETTINGS: Partial<DirectorySettings> = { powRegisterBits: 2, powIntroBits: 2 };

/** Claims `user`'s name as a host would: proof of work at the directory's difficulty, a recovery code. Returns the code. */
export async function claim(dir: Directory, user: TestUser): Promise<string> {
  const policy = await dir.policy();
  const code = newRecoveryCode();
  const work = await solveWork('register', user.record.username, policy.powRegisterBits);
  await dir.register(user.record, user.secret, { recoveryHash: recoveryHash(defined(normalizeRecoveryCode(code))), work });
  return code;
}

/** A new capability of `owner`'s, registered with the directory. */
export async function giveCapability(dir: Directory, owner: TestUser, kind: CapabilityKind): Promise<string> {
  const capability = newCapability();
  await dir.grant(owner.record.username, owner.secret, [{ kind, hash: capabilityHash(capability) }]);
  return capability;
}

/** Puts `envelopeB64` in `recipient`'s introduction queue with a fresh proof of work. */
export async function introduce(dir: Directory, recipient: string, envelopeB64: string): Promise<string> {
  const policy = await dir.policy();
  const work = await solveWork('intro', introSubject(recipient, envelopeB64), policy.powIntroBits);
  return dir.introPut(recipient, envelopeB64, work);
}
