import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyPresence } from '../../src/directory/records.js';
import { SupabaseDirectory } from '../../src/directory/supabase-directory.js';
import { startPostgrestLite } from '../support/postgrest-lite.js';
import { applyMigration, migrationFiles, type SqlEngine } from '../support/sql-engine.js';
import { makePresence, makeUser } from './directory-fixtures.js';

/** A fresh, empty database and how to drop it. */
export type FreshEngine = () => Promise<{ engine: SqlEngine; dispose: () => Promise<void> }>;

function rpc(url: string, fn: string, body: unknown): Promise<Response> {
  return fetch(`${url}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * A directory whose users run older hosts takes the presence migration:
 * what the migration's header promises, checked on a database that really
 * went through the first migration, had users, then took the rest.
 */
export function runSqlUpgradeChecks(name: string, fresh: FreshEngine): void {
  describe(`directory SQL upgrade to presence records: ${name}`, () => {
    it('keeps old hosts working and serves new hosts their signed records', async () => {
      const { engine, dispose } = await fresh();
      const server = await startPostgrestLite(engine);
      const directory = new SupabaseDirectory({ url: server.url, anonKey: 'test-anon-key' });
      try {
        await applyMigration(engine, 1);
        const old = makeUser('oldhost');
        const current = makeUser('newhost');
        await directory.register(old.record, old.secret);
        await directory.register(current.record, current.secret);
        const oldBeat = { p_username: 'oldhost', p_secret: old.secret, p_addresses: ['10.0.0.7:9100'] };
        expect((await rpc(server.url, 'parley_heartbeat', oldBeat)).status).toBe(204);

        for (const file of migrationFiles().slice(1)) await engine.exec(fs.readFileSync(file, 'utf8'));

        // The old host's claim and heartbeat survive; it published no record.
        const [before] = await directory.lookup(['oldhost']);
        expect(before).toMatchObject({ username: 'oldhost', presence: null, lastIp: '10.0.0.7' });
        expect(before?.lastSeen).not.toBeNull();
        // Old hosts keep calling the old function.
        expect((await rpc(server.url, 'parley_heartbeat', oldBeat)).status).toBe(204);

        // A new host's record is served to new hosts and its addresses to old ones.
        const presence = makePresence(current, { addresses: ['10.0.0.8:9100'] });
        await directory.heartbeat('newhost', current.secret, presence);
        const [entry] = await directory.lookup(['newhost']);
        expect(entry?.presence).toEqual(presence);
        expect(verifyPresence('newhost', current.record.signingKey, entry?.presence)).toBe(true);
        const raw = (await (await rpc(server.url, 'parley_lookup', { p_usernames: ['newhost'] })).json()) as Array<{
          addresses: string[];
        }>;
        expect(raw[0]?.addresses).toEqual(['10.0.0.8:9100']);
      } finally {
        await directory.close();
        await server.close();
        await dispose();
      }
    });
  });
}
