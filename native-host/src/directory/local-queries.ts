import type Database from 'better-sqlite3';
import type { DirectoryEntry, MailboxItem, SignedPrekey, SignedPresence } from './directory.js';

/** A row of the local directory's `users` table. */
export interface UserRow {
  username: string;
  public_key: string;
  signing_key: string;
  signature: string;
  secret_hash: Uint8Array;
  addresses: string;
  presence: string | null;
  last_seen: number | null;
  last_ip: string | null;
}

interface PrekeyRow {
  username: string;
  id: number;
  public_key: string;
  created_at: string;
  signature: string;
}

/** Entries for `usernames` that exist, in the order asked, prekeys newest first. */
export function readEntries(db: Database.Database, usernames: string[]): DirectoryEntry[] {
  const names = JSON.stringify(usernames);
  const users = db
    .prepare(
      `SELECT u.* FROM json_each(?) AS w JOIN users AS u ON u.username = w.value ORDER BY w.key`,
    )
    .all(names) as UserRow[];
  const prekeys = db
    .prepare(
      `SELECT * FROM prekeys WHERE username IN (SELECT value FROM json_each(?)) ORDER BY username, id DESC`,
    )
    .all(names) as PrekeyRow[];
  const byUser = new Map<string, SignedPrekey[]>();
  for (const row of prekeys) {
    const list = byUser.get(row.username) ?? [];
    list.push({ id: row.id, publicKey: row.public_key, createdAt: row.created_at, signature: row.signature });
    byUser.set(row.username, list);
  }
  return users.map((row) => ({
    username: row.username,
    publicKey: row.public_key,
    signingKey: row.signing_key,
    signature: row.signature,
    prekeys: byUser.get(row.username) ?? [],
    presence: parsePresence(row.presence),
    lastSeen: row.last_seen === null ? null : new Date(row.last_seen).toISOString(),
    lastIp: row.last_ip,
  }));
}

/** The owner's pending envelopes, oldest first. */
export function readMailbox(db: Database.Database, username: string, limit: number): MailboxItem[] {
  const rows = db
    .prepare('SELECT id, envelope, created_at FROM mailbox WHERE recipient = ? ORDER BY seq LIMIT ?')
    .all(username, limit) as { id: string; envelope: string; created_at: number }[];
  return rows.map((row) => ({ id: row.id, envelope: row.envelope, createdAt: new Date(row.created_at).toISOString() }));
}

/** The stored record, or null; clients verify its shape and signature again. */
function parsePresence(json: string | null): SignedPresence | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as SignedPresence;
  } catch {
    return null;
  }
}
