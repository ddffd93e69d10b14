import { DEFAULT_DIRECTORY_LIMITS, type DirectoryLimits } from '../../src/directory/directory.js';
import { SupabaseDirectory } from '../../src/directory/supabase-directory.js';
import { startPostgrestLite, type PostgrestLite } from '../support/postgrest-lite.js';
import { applyMigration, type SqlEngine } from '../support/sql-engine.js';
import type { MakeDirectory } from './directory-contract.js';

/** The Supabase directory end to end: supabase-js → postgrest-lite → the migration's SQL. */
export interface SqlDirectoryFixture {
  engine: SqlEngine;
  server: PostgrestLite;
  makeDirectory: MakeDirectory;
  close(): Promise<void>;
}

/** Applies the migration to `engine` (a fresh database) and serves it over postgrest-lite. */
export async function startSqlDirectory(engine: SqlEngine): Promise<SqlDirectoryFixture> {
  await applyMigration(engine);
  const server = await startPostgrestLite(engine);
  const makeDirectory: MakeDirectory = async (limits) => {
    // Each test starts empty with its own caps. The caps table is written as
    // the database owner, the only way to change them: clients cannot.
    const l: DirectoryLimits = { ...DEFAULT_DIRECTORY_LIMITS, ...limits };
    const ints = Object.values(l).every((v) => Number.isSafeInteger(v));
    if (!ints) throw new Error('limits must be integers');
    await engine.exec(`
      truncate parley_private.mailbox, parley_private.prekeys, parley_private.users;
      update parley_private.settings set
        max_envelope_bytes = ${l.maxEnvelopeBytes},
        max_pending_per_recipient = ${l.maxPendingPerRecipient},
        max_envelope_age_ms = ${l.maxEnvelopeAgeMs},
        max_lookup_batch = ${l.maxLookupBatch},
        max_take_batch = ${l.maxTakeBatch};`);
    const directory = new SupabaseDirectory({ url: server.url, anonKey: 'test-anon-key' });
    return { directory, cleanup: () => directory.close() };
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
