import { describe, expect, it } from 'vitest';
import { SupabaseDirectory } from '../../src/directory/supabase-directory.js';
import type { SqlDirectoryFixture } from './sql-directory-fixture.js';

async function asAnon(fixture: SqlDirectoryFixture, sql: string): Promise<unknown> {
  return fixture.engine.withSession(async (session) => {
    await session.query('begin');
    try {
      await session.query('set local role anon');
      return await session.query(sql);
    } catch (err) {
      return err;
    } finally {
      await session.query('rollback');
    }
  });
}

function post(fixture: SqlDirectoryFixture, fn: string, body: unknown): Promise<Response> {
  return fetch(`${fixture.server.url}/rest/v1/rpc/${fn}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** What anon may and may not do on the migrated database, and how postgrest-lite answers. */
export function runSqlSecurityChecks(name: string, fixture: () => SqlDirectoryFixture): void {
  describe(`directory SQL privileges: ${name}`, () => {
    it('keeps the tables out of reach of anon', async () => {
      for (const table of ['users', 'prekeys', 'mailbox', 'settings']) {
        expect(await asAnon(fixture(), `select * from parley_private.${table}`)).toMatchObject({ code: '42501' });
      }
      expect(await asAnon(fixture(), 'select parley_private.purge_expired()')).toMatchObject({ code: '42501' });
      expect(await asAnon(fixture(), `update parley_private.settings set max_envelope_bytes = 1`)).toMatchObject({
        code: '42501',
      });
    });

    it('refuses functions not granted to anon even though the engine runs as superuser', async () => {
      await fixture().engine.exec(`
        create or replace function public.parley_test_ungranted() returns integer language sql as 'select 1';
        revoke all on function public.parley_test_ungranted() from public;`);
      const res = await post(fixture(), 'parley_test_ungranted', {});
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ code: '42501' });
      await fixture().engine.exec('grant execute on function public.parley_test_ungranted() to anon');
      const granted = await post(fixture(), 'parley_test_ungranted', {});
      expect(granted.status).toBe(200);
      expect(await granted.json()).toBe(1);
      await fixture().engine.exec('drop function public.parley_test_ungranted()');
    });

    it('answers like PostgREST: 404 for unknown functions, 400 with the SQL error for refusals', async () => {
      const missing = await post(fixture(), 'parley_nope', {});
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ code: 'PGRST202' });
      const wrongArgs = await post(fixture(), 'parley_lookup', { p_nope: [] });
      expect(wrongArgs.status).toBe(404);
      const refused = await post(fixture(), 'parley_heartbeat', {
        p_username: 'nobody',
        p_secret: 'x'.repeat(20),
        p_addresses: [],
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        code: 'P0001',
        message: 'directory_rejected',
        details: 'Unknown user or wrong secret',
        hint: null,
      });
      const rows = await post(fixture(), 'parley_lookup', { p_usernames: ['nobody'] });
      expect(rows.status).toBe(200);
      expect(await rows.json()).toEqual([]);
    });

    it('maps a dead or silent endpoint to DIRECTORY_UNREACHABLE', async () => {
      const dead = new SupabaseDirectory({ url: 'http://127.0.0.1:1', anonKey: 'k' });
      await expect(dead.lookup(['alice'])).rejects.toMatchObject({ code: 'DIRECTORY_UNREACHABLE' });
      const { createServer } = await import('node:http');
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as { port: number }).port;
      try {
        const slow = new SupabaseDirectory({ url: `http://127.0.0.1:${port}`, anonKey: 'k', timeoutMs: 200 });
        await expect(slow.lookup(['alice'])).rejects.toMatchObject({ code: 'DIRECTORY_UNREACHABLE' });
      } finally {
        silent.closeAllConnections();
        silent.close();
      }
    });
  });
}
