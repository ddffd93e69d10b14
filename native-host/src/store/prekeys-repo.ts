import type { Db, SqliteRow } from './database.js';

export interface PrekeyRow {
  id: number;
  public_key: string;
  private_key: string;
  created_at: string;
  signature: string;
  published: boolean;
}

/** Our signed X25519 prekeys for offline envelopes, newest first. */
export class PrekeysRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      all: db.prepare(`SELECT * FROM prekeys ORDER BY id DESC`),
      insert: db.prepare(
        `INSERT INTO prekeys (id, public_key, private_key, created_at, signature) VALUES (@id, @public_key, @private_key, @created_at, @signature)`,
      ),
      published: db.prepare(`UPDATE prekeys SET published = 1 WHERE id = ?`),
      prune: db.prepare(`DELETE FROM prekeys WHERE created_at < ? AND id != (SELECT max(id) FROM prekeys)`),
    };
  }

  all(): PrekeyRow[] {
    return (this.stmt.all.all() as SqliteRow<PrekeyRow>[]).map((row) => ({ ...row, published: row.published === 1 }));
  }

  newest(): PrekeyRow | undefined {
    return this.all()[0];
  }

  insert(row: Omit<PrekeyRow, 'published'>): void {
    this.stmt.insert.run(row);
  }

  markPublished(id: number): void {
    this.stmt.published.run(id);
  }

  /** Forgets private keys created before `cutoff`, never the newest one. */
  prune(cutoff: string): void {
    this.stmt.prune.run(cutoff);
  }
}
