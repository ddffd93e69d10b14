import type { Db } from './database.js';

/** A pair of capabilities: one opens a mailbox, one shows presence. */
export interface Grant {
  drop: string;
  presence: string;
  /** Increases with every new pair for the same friend; receivers keep the highest. */
  serial: number;
}

export interface GivenGrant extends Grant {
  peer: string;
  /** The directory holds both hashes. */
  registered: boolean;
}

/** Capabilities we gave friends, those they gave us, and revocations still owed to the directory. */
export class GrantsRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      given: db.prepare(`SELECT peer, drop_cap AS "drop", presence_cap AS presence, serial, registered FROM grants_given WHERE peer = ?`),
      give: db.prepare(`INSERT INTO grants_given (peer, drop_cap, presence_cap, serial) VALUES (?, ?, ?, ?)`),
      unregistered: db.prepare(
        `SELECT peer, drop_cap AS "drop", presence_cap AS presence, serial, registered FROM grants_given WHERE registered = 0 LIMIT 500`,
      ),
      registered: db.prepare(`UPDATE grants_given SET registered = 1 WHERE peer = ? AND serial = ?`),
      ungive: db.prepare(`DELETE FROM grants_given WHERE peer = ? RETURNING drop_cap, presence_cap`),
      received: db.prepare(`SELECT drop_cap AS "drop", presence_cap AS presence, serial FROM grants_received WHERE peer = ?`),
      receive: db.prepare(
        `INSERT INTO grants_received (peer, drop_cap, presence_cap, serial) VALUES (?, ?, ?, ?)
         ON CONFLICT (peer) DO UPDATE SET drop_cap = excluded.drop_cap, presence_cap = excluded.presence_cap, serial = excluded.serial
         WHERE excluded.serial > grants_received.serial`,
      ),
      unreceive: db.prepare(`DELETE FROM grants_received WHERE peer = ?`),
      receivedFromAll: db.prepare(
        `SELECT count(*) AS missing FROM friends f WHERE NOT EXISTS (SELECT 1 FROM grants_received r WHERE r.peer = f.username)`,
      ),
      revokeLater: db.prepare(`INSERT OR IGNORE INTO revocations_due (hash) VALUES (?)`),
      revocations: db.prepare(`SELECT hash FROM revocations_due LIMIT 500`),
      revoked: db.prepare(`DELETE FROM revocations_due WHERE hash = ?`),
    };
  }

  given(peer: string): GivenGrant | undefined {
    const row = this.stmt.given.get(peer) as (Omit<GivenGrant, 'registered'> & { registered: number }) | undefined;
    return row && { ...row, registered: row.registered === 1 };
  }

  give(peer: string, grant: Grant): void {
    this.stmt.give.run(peer, grant.drop, grant.presence, grant.serial);
  }

  unregistered(): GivenGrant[] {
    return (this.stmt.unregistered.all() as Array<Omit<GivenGrant, 'registered'>>).map((row) => ({ ...row, registered: false }));
  }

  markRegistered(peer: string, serial: number): void {
    this.stmt.registered.run(peer, serial);
  }

  /** Forgets what we gave `peer`; returns the capabilities, whose hashes the directory must drop. */
  ungive(peer: string): string[] {
    const row = this.stmt.ungive.get(peer) as { drop_cap: string; presence_cap: string } | undefined;
    return row ? [row.drop_cap, row.presence_cap] : [];
  }

  received(peer: string): Grant | undefined {
    return this.stmt.received.get(peer) as Grant | undefined;
  }

  /** Keeps a grant from `peer` unless one with a higher serial is held; returns whether it was kept. */
  receive(peer: string, grant: Grant): boolean {
    return this.stmt.receive.run(peer, grant.drop, grant.presence, grant.serial).changes > 0;
  }

  unreceive(peer: string): void {
    this.stmt.unreceive.run(peer);
  }

  /** True when every friend has given us capabilities (all their hosts know them). */
  receivedFromEveryFriend(): boolean {
    return (this.stmt.receivedFromAll.get() as { missing: number }).missing === 0;
  }

  revokeLater(hashes: readonly string[]): void {
    for (const hash of hashes) this.stmt.revokeLater.run(hash);
  }

  revocations(): string[] {
    return (this.stmt.revocations.all() as { hash: string }[]).map((r) => r.hash);
  }

  revoked(hashes: readonly string[]): void {
    for (const hash of hashes) this.stmt.revoked.run(hash);
  }
}
