import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyPresence } from '../../src/directory/records.js';
import { SupabaseDirectory } from '../../src/directory/supabase-directory.js';
import { startPostgrestLite } from '../support/postgrest-lite.js';
import { applyMigration, migrationFiles, type SqlEngine } from '../support/sql-engine.js';
import { claim, envelope, makePresence, makeUser, TEST_SETTINGS } from './directory-fixtures.js';

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
        expect(before).toMatchObject({ username: 'oldhost', presence: null });
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

  describe(`directory SQL upgrade to capabilities: ${name}`, () => {
    it('keeps every user, and old users\' mailboxes open until their host ends it', async () => {
      const { engine, dispose } = await fresh();
      const server = await startPostgrestLite(engine);
      const directory = new SupabaseDirectory({ url: server.url, anonKey: 'test-anon-key' });
      try {
        await applyMigration(engine, 2);
        const old = makeUser('oldhost');
        const upgrading = makeUser('upgrading');
        await directory.register(old.record, old.secret);
        await directory.register(upgrading.record, upgrading.secret);
        const early = envelope(40);
        const put = (recipient: string, sealed = envelope(40)) =>
          rpc(server.url, 'parley_mailbox_put', { p_recipient: recipient, p_envelope: sealed });
        expect((await put('oldhost', early)).status).toBe(200);
        const beat = { p_username: 'oldhost', p_secret: old.secret, p_addresses: ['10.0.0.7:9100'] };
        expect((await rpc(server.url, 'parley_heartbeat', beat)).status).toBe(204);

        for (const file of migrationFiles().slice(2)) await engine.exec(fs.readFileSync(file, 'utf8'));
        const totals = await engine.withSession((s) => s.query('select users::int, stored_bytes::int from parley_private.usage'));
        expect(totals).toEqual([{ users: 2, stored_bytes: early.length }]);

        // Old hosts: a repeat of their claim, heartbeats, lookups and mail to open mailboxes work as before.
        const oldClaim = { p_username: 'oldhost', p_public_key: old.record.publicKey, p_signing_key: old.record.signingKey, p_signature: old.record.signature, p_secret: old.secret };
        expect((await rpc(server.url, 'parley_register', oldClaim)).status).toBe(204);
        expect((await rpc(server.url, 'parley_heartbeat', beat)).status).toBe(204);
        expect((await put('oldhost')).status).toBe(200);
        const rows = (await (await rpc(server.url, 'parley_lookup', { p_usernames: ['oldhost'] })).json()) as Array<Record<string, unknown>>;
        expect(rows[0]).toMatchObject({ addresses: ['10.0.0.7:9100'], last_ip: null });
        expect(rows[0]?.last_seen).not.toBeNull();
        expect(await directory.mailboxTake('oldhost', old.secret, 10)).toHaveLength(2);
        // A new name needs the new claim and its proof of work; an old host cannot sign up.
        const newcomer = makeUser('newcomer');
        const oldSignup = await rpc(server.url, 'parley_register', { ...oldClaim, p_username: 'newcomer', p_public_key: newcomer.record.publicKey, p_signing_key: newcomer.record.signingKey, p_signature: newcomer.record.signature });
        expect(await oldSignup.json()).toMatchObject({ message: 'proof_required' });
        await engine.exec(`update parley_private.settings set pow_register_bits = ${TEST_SETTINGS.powRegisterBits}`);
        await claim(directory, newcomer);
        expect(await (await put('newcomer')).json()).toMatchObject({ message: 'capability_required' });
        expect(await directory.lookup(['newcomer'])).toMatchObject([{ presence: null, lastSeen: null }]);

        // The upgraded host ends its open mailbox: old hosts' puts are refused, and they keep the message.
        expect((await put('upgrading')).status).toBe(200);
        await directory.endLegacy('upgrading', upgrading.secret);
        expect(await (await put('upgrading')).json()).toMatchObject({ message: 'capability_required' });
        await expect(directory.mailboxPut('upgrading', envelope(40), null)).rejects.toMatchObject({ code: 'CAPABILITY_REQUIRED' });
      } finally {
        await directory.close();
        await server.close();
        await dispose();
      }
    });
  });
}
