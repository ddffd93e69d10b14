import Database from 'better-sqlite3';
import type { KeyRecord } from '../../src/directory/directory.js';
import { signKeyRecord } from '../../src/directory/records.js';
import { makeUser } from '../directory/directory-fixtures.js';

/** Keys to put under someone's name: another profile's, or fresh ones by default. */
export interface SwapKeys {
  publicKey: string;
  signingKey: string;
  signingPrivateKey: Uint8Array;
}

/**
 * What a directory that lies serves: a key record under `username` with
 * other keys, validly self-signed, written straight into a local directory
 * file (and, optionally, other columns such as `addresses`). Returns it.
 */
export function swapKeyRecord(directoryPath: string, username: string, keys?: SwapKeys, extra: Record<string, string> = {}): KeyRecord {
  const fresh = makeUser(username);
  const record = keys
    ? signKeyRecord({ username, publicKey: keys.publicKey, signingKey: keys.signingKey }, keys.signingPrivateKey)
    : fresh.record;
  rewriteUser(directoryPath, username, { public_key: record.publicKey, signing_key: record.signingKey, signature: record.signature, ...extra });
  return record;
}

/** Sets columns of `username`'s row in a local directory file. */
export function rewriteUser(directoryPath: string, username: string, fields: Record<string, string>): void {
  const db = new Database(directoryPath);
  try {
    const sets = Object.keys(fields).map((k) => `${k} = @${k}`).join(', ');
    db.prepare(`UPDATE users SET ${sets} WHERE username = @username`).run({ ...fields, username });
  } finally {
    db.close();
  }
}
