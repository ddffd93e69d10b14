import type { Db } from './database.js';

export type MetaKey =
  | 'username'
  | 'directory_secret'
  | 'registered_directory'
  | 'presence_issued_at'
  /** SHA-256 (hex) of the recovery code shown at setup, to claim the name again if the directory lost it. */
  | 'recovery_hash'
  /** Set once the directory closed our mailbox and presence to anyone without a capability. */
  | 'legacy_ended';

/** Small named values of this profile (its username, its directory secret). */
export class MetaRepo {
  private readonly stmt;

  constructor(db: Db) {
    this.stmt = {
      get: db.prepare(`SELECT value FROM meta WHERE key = ?`),
      set: db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    };
  }

  get(key: MetaKey): string | null {
    return (this.stmt.get.get(key) as { value: string } | undefined)?.value ?? null;
  }

  set(key: MetaKey, value: string): void {
    this.stmt.set.run(key, value);
  }
}
