import type { Db } from './database.js';

/** A change to a message that had not arrived yet, as the friend sent it. */
export interface EarlyChange {
  kind: string;
  /** The item's body, JSON. */
  body: string;
}

/**
 * Changes (edits, deletions, reactions) that arrived before the message
 * they change: at most one per friend, message and kind, the newest. Taken
 * when the message arrives; purged once too old.
 */
export class EarlyChangesRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      get: db.prepare(`SELECT body FROM early_changes WHERE peer = ? AND msg_id = ? AND kind = ?`),
      put: db.prepare(
        `INSERT INTO early_changes (peer, msg_id, kind, body, received_at) VALUES (@peer, @msg_id, @kind, @body, @at)
         ON CONFLICT (peer, msg_id, kind) DO UPDATE SET body = excluded.body, received_at = excluded.received_at`,
      ),
      take: db.prepare(`DELETE FROM early_changes WHERE peer = ? AND msg_id = ? RETURNING kind, body`),
      count: db.prepare(`SELECT count(*) AS n FROM early_changes WHERE peer = ?`),
      purge: db.prepare(`DELETE FROM early_changes WHERE received_at < ?`),
    };
  }

  /** The body kept for this friend, message and kind, if any. */
  get(peer: string, msgId: string, kind: string): string | undefined {
    return (this.stmt.get.get(peer, msgId, kind) as { body: string } | undefined)?.body;
  }

  /** Keeps `body` for this friend, message and kind, replacing what was there. */
  put(peer: string, msgId: string, kind: string, body: string, at: number): void {
    this.stmt.put.run({ peer, msg_id: msgId, kind, body, at });
  }

  /** Removes and returns every change kept for this friend's message. */
  take(peer: string, msgId: string): EarlyChange[] {
    return this.stmt.take.all(peer, msgId) as EarlyChange[];
  }

  count(peer: string): number {
    return (this.stmt.count.get(peer) as { n: number }).n;
  }

  /** Drops every change kept since before `before` (ms since the epoch). */
  purge(before: number): number {
    return this.stmt.purge.run(before).changes;
  }
}
