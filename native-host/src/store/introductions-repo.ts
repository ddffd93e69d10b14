import type { Db } from './database.js';

/** A grant from someone who is not a friend (yet), as it came out of our introduction queue. */
export interface IntroductionRow {
  username: string;
  /** base64 X25519 identity key the envelope proved. */
  public_key: string;
  /** The grant item's id: it is confirmed (receipt) once applied. */
  item_id: string;
  /** The grant item's body, JSON. */
  body: string;
  received_at: string;
}

/** Pending introductions, newest first; bounded by the caller. */
export class IntroductionsRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      all: db.prepare(`SELECT * FROM introductions ORDER BY received_at DESC`),
      put: db.prepare(
        `INSERT INTO introductions (username, public_key, item_id, body, received_at) VALUES (@username, @public_key, @item_id, @body, @received_at)
         ON CONFLICT (username, public_key) DO UPDATE SET item_id = excluded.item_id, body = excluded.body, received_at = excluded.received_at`,
      ),
      trim: db.prepare(
        `DELETE FROM introductions WHERE received_at < ?
           OR (username, public_key) NOT IN (SELECT username, public_key FROM introductions ORDER BY received_at DESC LIMIT ?)`,
      ),
      take: db.prepare(`DELETE FROM introductions WHERE username = ? RETURNING *`),
    };
  }

  all(): IntroductionRow[] {
    return this.stmt.all.all() as IntroductionRow[];
  }

  /** Keeps one (replacing an earlier one from the same name and key), then drops all but the newest `keep` younger than `since`. */
  put(row: IntroductionRow, keep: number, since: string): void {
    this.stmt.put.run(row);
    this.stmt.trim.run(since, keep);
  }

  /** Removes every introduction under `username`; returns them. */
  take(username: string): IntroductionRow[] {
    return this.stmt.take.all(username) as IntroductionRow[];
  }
}
