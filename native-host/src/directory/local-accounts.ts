import { createHash, timingSafeEqual } from 'node:crypto';
import type Database from 'better-sqlite3';
import { errors } from '../errors.js';
import { CAPABILITY_HASH_PATTERN, RECOVERY_CODE_PATTERN } from './capability.js';
import type { ClaimProof, KeyRecord } from './directory.js';
import { HOUR_MS, hit, requireRoomForUser, requireWork } from './local-guards.js';
import type { UserRow } from './local-queries.js';
import { isRotationShape, rotationFields, type KeyRotation } from './rotation.js';
import type { DirectorySettings } from './settings.js';
import { checkKeyRecord, checkSecret, isUsername } from './validation.js';

/** One local directory transaction's context. */
export interface LocalCall {
  db: Database.Database;
  settings: DirectorySettings;
  now: number;
}

// One global bucket per action: every host on the machine shares the file,
// and the file cannot tell them apart (the SQL directory keys by address).
const EVERYONE = '*';

/** register(): an exact repeat needs nothing; a new claim needs a proof, room and the rate limit. */
export function register({ db, settings, now }: LocalCall, record: KeyRecord, secret: string, claim?: ClaimProof): void {
  checkKeyRecord(record);
  checkSecret(secret);
  const hash = sha256(secret);
  const existing = db.prepare('SELECT * FROM users WHERE username = ?').get(record.username) as UserRow | undefined;
  if (existing) {
    const mine =
      timingSafeEqual(existing.secret_hash, hash) && existing.public_key === record.publicKey && existing.signing_key === record.signingKey;
    if (mine) return;
    const idle = (existing.last_seen ?? existing.created_at) <= now - settings.nameIdleMs;
    if (!idle) throw errors.usernameTaken(record.username);
  }
  if (!claim) throw errors.proofRequired(`register bits=${settings.powRegisterBits} window=${settings.powWindowMinutes} (missing)`);
  if (typeof claim.recoveryHash !== 'string' || !CAPABILITY_HASH_PATTERN.test(claim.recoveryHash)) {
    throw errors.directoryRejected('Malformed recovery hash');
  }
  hit(db, `register:${EVERYONE}`, settings.rateRegisterPerHour, HOUR_MS, now);
  requireWork(db, settings, 'register', record.username, claim.work, settings.powRegisterBits, now);
  // An idle name is free again: its holder, mail, prekeys and capabilities go.
  if (existing) db.prepare('DELETE FROM users WHERE username = ?').run(record.username);
  requireRoomForUser(db, settings);
  db.prepare(
    `INSERT INTO users (username, public_key, signing_key, signature, secret_hash, recovery_hash, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  ).run(record.username, record.publicKey, record.signingKey, record.signature, hash, Buffer.from(claim.recoveryHash, 'hex'), now);
}

export function authenticate(db: Database.Database, username: string, secret: string): UserRow {
  checkSecret(secret);
  const row = isUsername(username) ? (db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined) : undefined;
  // Hash and compare even for unknown users so timing does not tell them apart.
  const stored = row?.secret_hash ?? new Uint8Array(32);
  if (!timingSafeEqual(stored, sha256(secret)) || row === undefined) throw errors.directoryRejected('Unknown user or wrong secret');
  return row;
}

export function rotateKeys({ db, settings }: LocalCall, username: string, secret: string, record: KeyRecord, rotation: KeyRotation): void {
  const row = authenticate(db, username, secret);
  checkKeyRecord(record);
  if (record.username !== username) throw errors.directoryRejected('Malformed key record: username');
  if (!isRotationShape(rotation)) throw errors.directoryRejected('Malformed key rotation');
  const r = rotationFields(rotation);
  const rotations = JSON.parse(row.rotations) as KeyRotation[];
  const last = rotations.at(-1);
  // Repeating the rotation that already happened succeeds (a host unsure it landed).
  if (row.public_key === r.newPublicKey && row.signing_key === r.newSigningKey && JSON.stringify(last) === JSON.stringify(r)) return;
  if (r.oldPublicKey !== row.public_key || r.oldSigningKey !== row.signing_key) {
    throw errors.directoryRejected('Key rotation does not start at the current keys');
  }
  if (r.newPublicKey !== record.publicKey || r.newSigningKey !== record.signingKey || r.newPublicKey === r.oldPublicKey) {
    throw errors.directoryRejected('Key rotation does not lead to the new key record');
  }
  const kept = [...rotations, r].slice(-settings.maxRotationsKept);
  db.prepare('UPDATE users SET public_key = ?, signing_key = ?, signature = ?, rotations = ? WHERE username = ?').run(
    record.publicKey,
    record.signingKey,
    record.signature,
    JSON.stringify(kept),
    username,
  );
  // They are signed by the old key, which friends will no longer believe.
  db.prepare('DELETE FROM prekeys WHERE username = ?').run(username);
}

/** Counts the attempt in its own commit, so refused codes count against the caller too. */
export function countRecoveryAttempt({ db, settings, now }: LocalCall): void {
  hit(db, `recover:${EVERYONE}`, settings.rateRecoverPerHour, HOUR_MS, now);
}

export function recover({ db, now }: LocalCall, record: KeyRecord, code: string, secret: string, newRecoveryHash: string): void {
  checkKeyRecord(record);
  checkSecret(secret);
  if (typeof newRecoveryHash !== 'string' || !CAPABILITY_HASH_PATTERN.test(newRecoveryHash)) {
    throw errors.directoryRejected('Malformed recovery hash');
  }
  const row = db.prepare('SELECT recovery_hash FROM users WHERE username = ?').get(record.username) as
    | { recovery_hash: Uint8Array | null }
    | undefined;
  const given = sha256(typeof code === 'string' && RECOVERY_CODE_PATTERN.test(code) ? code : '');
  const stored = row?.recovery_hash ?? new Uint8Array(32);
  if (!timingSafeEqual(stored, given) || !row?.recovery_hash || !RECOVERY_CODE_PATTERN.test(code)) throw errors.recoveryRefused();
  db.prepare(
    `UPDATE users SET public_key = ?, signing_key = ?, signature = ?, secret_hash = ?, recovery_hash = ?,
       rotations = '[]', presence = NULL, addresses = '[]', last_seen = ?, legacy_until = NULL
     WHERE username = ?`,
  ).run(record.publicKey, record.signingKey, record.signature, sha256(secret), Buffer.from(newRecoveryHash, 'hex'), now, record.username);
  // Nothing the lost data dir left can be used: mail sealed for its keys, prekeys it signed, capabilities it gave.
  for (const table of ['prekeys', 'capabilities', 'mailbox']) {
    const owner = table === 'prekeys' ? 'username' : table === 'capabilities' ? 'owner' : 'recipient';
    db.prepare(`DELETE FROM ${table} WHERE ${owner} = ?`).run(record.username);
  }
}

// SHA-256 because the SQL directory stores the same hashes with core
// PostgreSQL's sha256(); the standard libsodium build has none. These are
// lookup hashes of high-entropy secrets, not protocol primitives.
export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
