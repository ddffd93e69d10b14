import type { Db } from './database.js';

export interface FriendRow {
  username: string;
  public_key: string;
  signing_key: string;
  verified: boolean;
  seen_public_key: string | null;
  seen_signing_key: string | null;
  /** Where the friend's host accepts peer connections, as the directory last showed them. */
  addresses: string[];
  last_seen: string | null;
  last_ip: string | null;
  added_at: string;
  /** base64 HyperDHT key from the newest accepted presence record. */
  dht_key: string | null;
  /** issuedAt of that record. */
  presence_at: string | null;
  /** When we accepted new keys for them that their old key signed (a key rotation); null if never. */
  keys_rotated_at: string | null;
}

/**
 * Friends with their pinned keys (TOFU at add time) and last known presence.
 * Rows read by name are kept (frozen) until this repository changes them:
 * every message sent or received looks its friend up. Only friends are kept,
 * never a miss, so strangers' names cannot fill the cache.
 */
export class FriendsRepo {
  private readonly stmt;
  private readonly byName = new Map<string, FriendRow>();

  constructor(db: Db) {
    this.stmt = {
      all: db.prepare(`SELECT * FROM friends ORDER BY username`),
      lastSeen: db.prepare(`SELECT username, last_seen FROM friends`),
      get: db.prepare(`SELECT * FROM friends WHERE username = ?`),
      insert: db.prepare(
        `INSERT INTO friends (username, public_key, signing_key, addresses, last_seen, last_ip, added_at)
         VALUES (@username, @public_key, @signing_key, @addresses, @last_seen, @last_ip, @added_at)`,
      ),
      remove: db.prepare(`DELETE FROM friends WHERE username = ?`),
      seen: db.prepare(`UPDATE friends SET last_seen = ?, last_ip = ? WHERE username = ?`),
      reachability: db.prepare(
        `UPDATE friends SET addresses = ?, dht_key = ?, presence_at = ?
         WHERE username = ? AND (presence_at IS NULL OR presence_at < ?)`,
      ),
      byDhtKey: db.prepare(`SELECT username FROM friends WHERE dht_key = ?`),
      seenKeys: db.prepare(`UPDATE friends SET seen_public_key = ?, seen_signing_key = ? WHERE username = ?`),
      rotated: db.prepare(
        `UPDATE friends SET public_key = ?, signing_key = ?, seen_public_key = NULL, seen_signing_key = NULL, keys_rotated_at = ?
         WHERE username = ?`,
      ),
      repin: db.prepare(
        `UPDATE friends SET public_key = ?, signing_key = ?, seen_public_key = NULL, seen_signing_key = NULL, verified = 1
         WHERE username = ?`,
      ),
    };
  }

  all(): FriendRow[] {
    return (this.stmt.all.all() as StoredFriend[]).map(toFriend);
  }

  /** Just what presence needs, for every friend. */
  lastSeen(): Array<Pick<FriendRow, 'username' | 'last_seen'>> {
    return this.stmt.lastSeen.all() as Array<Pick<FriendRow, 'username' | 'last_seen'>>;
  }

  get(username: string): FriendRow | undefined {
    const cached = this.byName.get(username);
    if (cached) return cached;
    const stored = this.stmt.get.get(username) as StoredFriend | undefined;
    if (!stored) return undefined;
    const row = toFriend(stored);
    Object.freeze(row.addresses);
    this.byName.set(username, Object.freeze(row));
    return row;
  }

  insert(row: Omit<FriendRow, 'verified' | 'seen_public_key' | 'seen_signing_key' | 'dht_key' | 'presence_at' | 'keys_rotated_at'>): void {
    this.byName.delete(row.username);
    this.stmt.insert.run({ ...row, addresses: JSON.stringify(row.addresses) });
  }

  remove(username: string): boolean {
    this.byName.delete(username);
    return this.stmt.remove.run(username).changes > 0;
  }

  /** The directory's view of the friend's last heartbeat (its clock). */
  updateSeen(username: string, lastSeen: string | null, lastIp: string | null): void {
    this.byName.delete(username);
    this.stmt.seen.run(lastSeen, lastIp, username);
  }

  /**
   * Adopts a verified presence record unless one issued at the same time or
   * later is already held (no rollback). Returns whether it was adopted.
   */
  updateReachability(username: string, presence: { addresses: string[]; dhtKey: string | null; issuedAt: string }): boolean {
    const at = new Date(presence.issuedAt).toISOString();
    this.byName.delete(username);
    return this.stmt.reachability.run(JSON.stringify(presence.addresses), presence.dhtKey, at, username, at).changes > 0;
  }

  /** The friend whose current DHT key this is, if any. */
  byDhtKey(dhtKey: string): string | null {
    return (this.stmt.byDhtKey.get(dhtKey) as { username: string } | undefined)?.username ?? null;
  }

  /** Records keys the directory shows that differ from the pinned ones (null: they match again). */
  setSeenKeys(username: string, keys: { publicKey: string; signingKey: string } | null): void {
    this.byName.delete(username);
    this.stmt.seenKeys.run(keys?.publicKey ?? null, keys?.signingKey ?? null, username);
  }

  /**
   * The friend moved to new keys that their pinned signing key vouched for:
   * pin them, keeping `verified` (the chain of signatures starts at keys the
   * user verified), and remember when.
   */
  pinRotated(username: string, publicKey: string, signingKey: string, at: string): void {
    this.byName.delete(username);
    this.stmt.rotated.run(publicKey, signingKey, at, username);
  }

  /** The user verified the friend: pin the given keys and clear any warning. */
  pinVerified(username: string, publicKey: string, signingKey: string): void {
    this.byName.delete(username);
    this.stmt.repin.run(publicKey, signingKey, username);
  }
}

/** The row as stored: addresses as a JSON array, verified as 0/1. */
type StoredFriend = Omit<FriendRow, 'addresses' | 'verified'> & { addresses: string; verified: number };

function toFriend(stored: StoredFriend): FriendRow {
  return { ...stored, verified: stored.verified === 1, addresses: parseAddresses(stored.addresses) };
}

/** Written only by this repository, but a damaged value must not break every friend lookup. */
function parseAddresses(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string') : [];
  } catch {
    return [];
  }
}
