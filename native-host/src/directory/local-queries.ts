import type Database from 'better-sqlite3';
import type { DirectoryEntry, SignedPrekey, SignedPresence } from './directory.js';
import { capabilityHash } from './capability.js';
import type { KeyRotation } from './rotation.js';

/** A row of the local directory's `users` table. */
export interface UserRow {
  username: string;
  public_key: string;
  signing_key: string;
  signature: string;
  secret_hash: Uint8Array;
  recovery_hash: Uint8Array | null;
  addresses: string;
  presence: string | null;
  rotations: string;
  last_seen: number | null;
  legacy_until: number | null;
  created_at: number;
}

interface PrekeyRow {
  username: string;
  id: number;
  public_key: string;
  created_at: string;
  signature: string;
}

/**
 * Entries for `usernames` that exist, in the order asked, prekeys newest
 * first. Presence and last_seen only for a caller holding the user's
 * presence capability, or for a user from before capabilities.
 */
export function readEntries(
  db: Database.Database,
  usernames: string[],
  capabilities: Readonly<Record<string, string>>,
  now: number,
): DirectoryEntry[] {
  const names = JSON.stringify(usernames);
  const users = db
    .prepare(`SELECT u.* FROM json_each(?) AS w JOIN users AS u ON u.username = w.value ORDER BY w.key`)
    .all(names) as UserRow[];
  const prekeys = db
    .prepare(`SELECT * FROM prekeys WHERE username IN (SELECT value FROM json_each(?)) ORDER BY username, id DESC`)
    .all(names) as PrekeyRow[];
  const byUser = new Map<string, SignedPrekey[]>();
  for (const row of prekeys) {
    const list = byUser.get(row.username) ?? [];
    list.push({ id: row.id, publicKey: row.public_key, createdAt: row.created_at, signature: row.signature });
    byUser.set(row.username, list);
  }
  return users.map((row) => {
    const capability = Object.hasOwn(capabilities, row.username) ? capabilities[row.username] : undefined;
    const visible = isOpen(row, now) || (typeof capability === 'string' && holds(db, row.username, 'presence', capability));
    return {
      username: row.username,
      publicKey: row.public_key,
      signingKey: row.signing_key,
      signature: row.signature,
      prekeys: byUser.get(row.username) ?? [],
      rotations: parseJson<KeyRotation[]>(row.rotations) ?? [],
      presence: visible ? parseJson<SignedPresence>(row.presence) : null,
      lastSeen: visible && row.last_seen !== null ? new Date(row.last_seen).toISOString() : null,
    };
  });
}

/** A user from before capabilities whose host has not ended the open mailbox and presence yet. */
export function legacyOpen(db: Database.Database, username: string, now: number): boolean {
  const row = db.prepare('SELECT legacy_until FROM users WHERE username = ?').get(username) as Pick<UserRow, 'legacy_until'> | undefined;
  return row !== undefined && isOpen(row, now);
}

function isOpen(row: Pick<UserRow, 'legacy_until'>, now: number): boolean {
  return row.legacy_until !== null && row.legacy_until > now;
}

/** True when `capability` is one `owner` gave, of this kind, and still registered. */
export function holds(db: Database.Database, owner: string, kind: 'drop' | 'presence', capability: string): boolean {
  const row = db.prepare('SELECT 1 FROM capabilities WHERE hash = ? AND owner = ? AND kind = ?').get(
    Buffer.from(capabilityHash(capability), 'hex'),
    owner,
    kind,
  );
  return row !== undefined;
}

/** Stored as written by the directory; clients verify shapes and signatures again. */
function parseJson<T>(json: string | null): T | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as T;
  } catch {
    return null;
  }
}
