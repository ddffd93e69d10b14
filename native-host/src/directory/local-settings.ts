import type Database from 'better-sqlite3';
import { DEFAULT_DIRECTORY_SETTINGS, type DirectorySettings } from './settings.js';
import { DEFAULT_BUSY_TIMEOUT_MS, LocalFile } from './local-file.js';

/**
 * The local directory's settings live in its file, like the SQL
 * directory's in its settings table: whoever may write the file is its
 * operator. A setting not in the table has its default.
 */
export function readSettings(db: Database.Database): DirectorySettings {
  const rows = db.prepare('SELECT key, value FROM settings').all() as { key: string; value: number }[];
  const settings = { ...DEFAULT_DIRECTORY_SETTINGS };
  for (const { key, value } of rows) {
    if (key in settings) settings[key as keyof DirectorySettings] = value;
  }
  return settings;
}

export function writeSettings(db: Database.Database, changes: Partial<DirectorySettings>): void {
  const upsert = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const [key, value] of Object.entries(changes)) {
      if (!(key in DEFAULT_DIRECTORY_SETTINGS)) throw new Error(`unknown directory setting ${key}`);
      if (!Number.isSafeInteger(value) || (value as number) < 0) throw new Error(`directory setting ${key} must be a whole number`);
      upsert.run(key, value);
    }
  }).immediate();
}

/** Tunes the local directory file at `path` (created if needed): an operator's (or a test's) job, never a client's. */
export function configureLocalDirectory(path: string, changes: Partial<DirectorySettings>): void {
  const file = LocalFile.open(path, true, DEFAULT_BUSY_TIMEOUT_MS);
  try {
    writeSettings(file.db, changes);
  } finally {
    file.close();
  }
}
