import { DEFAULT_DIRECTORY_SETTINGS, type DirectorySettings } from '../../src/directory/settings.js';
import { SupabaseDirectory } from '../../src/directory/supabase-directory.js';
import { startPostgrestLite, type PostgrestLite } from '../support/postgrest-lite.js';
import { applyMigration, type SqlEngine } from '../support/sql-engine.js';
import type { MakeDirectory } from './directory-contract.js';

/** The Supabase directory end to end: supabase-js → postgrest-lite → the migrations' SQL. */
export interface SqlDirectoryFixture {
  engine: SqlEngine;
  server: PostgrestLite;
  makeDirectory: MakeDirectory;
  close(): Promise<void>;
}

/** A setting's column in parley_private.settings: powRegisterBits → pow_register_bits. */
export function settingColumn(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Empties the directory and writes these settings (defaults for the rest),
 * as the database owner: the only way to change them, clients cannot.
 */
export async function resetDirectory(engine: SqlEngine, settings: Partial<DirectorySettings> = {}): Promise<void> {
  const all: DirectorySettings = { ...DEFAULT_DIRECTORY_SETTINGS, ...settings };
  if (!Object.values(all).every((v) => Number.isSafeInteger(v))) throw new Error('settings must be integers');
  const assignments = Object.entries(all).map(([key, value]) => `${settingColumn(key)} = ${value}`);
  // truncate fires no delete triggers: the totals are reset with the tables.
  await engine.exec(`
    truncate parley_private.mailbox, parley_private.prekeys, parley_private.capabilities, parley_private.users,
      parley_private.rate_limits, parley_private.pow_spent;
    update parley_private.usage set users = 0, stored_bytes = 0;
    update parley_private.settings set ${assignments.join(', ')};`);
}

/** Applies the migrations to `engine` (a fresh database) and serves it over postgrest-lite. */
export async function startSqlDirectory(engine: SqlEngine): Promise<SqlDirectoryFixture> {
  await applyMigration(engine);
  const server = await startPostgrestLite(engine);
  const makeDirectory: MakeDirectory = async (settings) => {
    await resetDirectory(engine, settings);
    const clients: SupabaseDirectory[] = [];
    const client = (headers?: Record<string, string>) => {
      const directory = new SupabaseDirectory({ url: server.url, anonKey: 'test-anon-key', headers });
      clients.push(directory);
      return directory;
    };
    return {
      directory: client(),
      // As the proxy in front of PostgREST would pass the caller's address on.
      from: (address) => client({ 'x-forwarded-for': address }),
      addresses: true,
      cleanup: async () => {
        for (const c of clients) await c.close();
      },
    };
  };
  return {
    engine,
    server,
    makeDirectory,
    close: async () => {
      await server.close();
      await engine.close();
    },
  };
}
