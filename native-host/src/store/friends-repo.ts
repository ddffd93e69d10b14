import type { Db } from './database.js';

export interface FriendRow {
  username: string;
  public_key: string;
  signing_key: string;
  verified: number;
  seen_public_key: string | null;
  seen_signing_key: string | null;
  addresses: string;
  last_seen: string | null;
  last_ip: string | null;
  added_at: string;
  /** base64 HyperDHT key from the newest accepted presence record. */
  dht_key: string | null;
  /** issuedAt of that record. */
  presence_at: string | null;
}

/** Friends with their pinned keys (TOFU at add time) and last known presence. */
export class FriendsRepo {
  private readonly stmt;

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
      repin: db.prepare(
        `UPDATE friends SET public_key = ?, signing_key = ?, seen_public_key = NULL, seen_signing_key = NULL, verified = 1
         WHERE username = ?`,
      ),
    };
  }

  all(): FriendRow[] {
    return this.stmt.all.all() as FriendRow[];
  }

  /** Just what presence needs, for every friend. */
  lastSeen(): Array<Pick<FriendRow, 'username' | 'last_seen'>> {
    return this.stmt.lastSeen.all() as Array<Pick<FriendRow, 'username' | 'last_seen'>>;
  }

  get(username: string): FriendRow | undefined {
    return this.stmt.get.get(username) as FriendRow | undefined;
  }

  insert(row: Omit<FriendRow, 'verified' | 'seen_public_key' | 'seen_signing_key' | 'dht_key' | 'presence_at'>): void {
    this.stmt.insert.run(row);
  }

  remove(username: string): boolean {
    return this.stmt.remove.run(username).changes > 0;
  }

  /** The directory's view of the friend's last heartbeat (its clock). */
  updateSeen(username: string, lastSeen: string | null, lastIp: string | null): void {
    this.stmt.seen.run(lastSeen, lastIp, username);
  }

  /**
   * Adopts a verified presence record unless one issued at the same time or
   * later is already held (no rollback). Returns whether it was adopted.
   */
  updateReachability(username: string, presence: { addresses: string[]; dhtKey: string | null; issuedAt: string }): boolean {
    const at = new Date(presence.issuedAt).toISOString();
    return this.stmt.reachability.run(JSON.stringify(presence.addresses), presence.dhtKey, at, username, at).changes > 0;
  }

  /** The friend whose current DHT key this is, if any. */
  byDhtKey(dhtKey: string): string | null {
    return (this.stmt.byDhtKey.get(dhtKey) as { username: string } | undefined)?.username ?? null;
  }

  /** Records keys the directory shows that differ from the pinned ones (null: they match again). */
  setSeenKeys(username: string, keys: { publicKey: string; signingKey: string } | null): void {
    this.stmt.seenKeys.run(keys?.publicKey ?? null, keys?.signingKey ?? null, username);
  }

  /** The user verified the friend: pin the given keys and clear any warning. */
  pinVerified(username: string, publicKey: string, signingKey: string): void {
    this.stmt.repin.run(publicKey, signingKey, username);
  }
}
