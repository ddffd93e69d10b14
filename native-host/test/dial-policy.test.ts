import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../src/crypto/identity.js';
import { signPresence } from '../src/directory/records.js';
import { MANY_HOSTS_SETTINGS } from '../src/directory/settings.js';
import { makeUser } from './directory/directory-fixtures.js';
import { resetDirectory, startSqlDirectory, type SqlDirectoryFixture } from './directory/sql-directory-fixture.js';
import { pgliteEngine } from './support/sql-engine.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';

/** A listener standing where an address points; counts who dials it. */
async function trap(): Promise<{ port: number; count: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => connections,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Writes a presence record (and the legacy unsigned addresses) for `username` into a local directory file. */
function servePresence(directoryPath: string, username: string, presence: unknown, addresses: string[]): void {
  const db = new Database(directoryPath);
  db.prepare(`UPDATE users SET presence = ?, addresses = ?, last_seen = ? WHERE username = ?`).run(
    JSON.stringify(presence),
    JSON.stringify(addresses),
    Date.now(),
    username,
  );
  db.close();
}

const signingKeyOf = (host: TestHost) =>
  fromBase64((JSON.parse(fs.readFileSync(path.join(host.dataDir, 'identity.json'), 'utf8')) as { signing_private_key: string }).signing_private_key);

/**
 * Which addresses a host dials: only those in a presence record its friend
 * signed, and no loopback or link-local ones unless the directory is the
 * local one (all friends on this machine).
 */
describe('where a host dials its friends', () => {
  const net0 = new Testnet();
  let sql: SqlDirectoryFixture | undefined;
  afterAll(async () => {
    await net0.close();
    await sql?.close();
  });

  it('only at addresses the friend signed', async () => {
    const alice = await net0.start({ username: 'alice' });
    const bob = await net0.start({ username: 'bob' });
    await net0.befriend(alice, bob);
    await bob.stop();
    await eventually(async () => (await alice.api.status()).peer_count === 0, 10_000, 'the session gone');
    const door = await trap();
    const at = `127.0.0.1:${door.port}`;

    // A newer record naming the trap, signed by someone else, plus the unsigned addresses older hosts published.
    const someoneElse = makeUser('bob');
    const forged = signPresence('bob', { addresses: [at], dhtKey: null, issuedAt: new Date().toISOString() }, someoneElse.signingPrivateKey);
    servePresence(net0.directoryPath, 'bob', forged, [at]);
    await new Promise((r) => setTimeout(r, 2500));
    expect(door.count()).toBe(0);

    // The same address in a record bob signed is dialled: the trap would have caught a dial.
    const genuine = signPresence('bob', { addresses: [at], dhtKey: null, issuedAt: new Date(Date.now() + 1000).toISOString() }, signingKeyOf(bob));
    servePresence(net0.directoryPath, 'bob', genuine, []);
    await eventually(() => door.count() > 0, 10_000, 'a dial to the signed address');
    await door.close();
  });

  it('never at a loopback address published through a directory that is not on this machine', async () => {
    sql = await startSqlDirectory(pgliteEngine(await PGlite.create()));
    // Three sign-ups from one machine: cheap proofs and no per-address limit, as on a shared test directory.
    await resetDirectory(sql.engine, MANY_HOSTS_SETTINGS);
    const supabase = ['--directory', 'supabase', '--supabase-url', sql.server.url, '--supabase-key', 'test-anon-key'];
    const door = await trap();
    const net1 = new Testnet();
    try {
      // Dave tells the directory he is at "localhost:<trap>".
      const dave = await net1.start({ username: 'dave', args: [...supabase, '--advertise', `localhost:${door.port}`] });
      const erin = await net1.start({ username: 'erin', args: supabase });
      await erin.api.addFriend('dave');
      await dave.api.addFriend('erin');
      await eventually(async () => (await erin.api.friends())[0]?.online, 10_000, 'dave online by presence');
      await eventually(() => /not dialling a loopback or link-local address/.test(erin.stderr), 10_000, 'the refusal logged');
      await new Promise((r) => setTimeout(r, 1500));
      expect(door.count()).toBe(0);

      // Told that every friend is on this machine, a host does dial it.
      const fay = await net1.start({ username: 'fay', args: [...supabase, '--dial-local', 'on'] });
      await fay.api.addFriend('dave');
      // Dave's address is shown to fay once dave made her a friend too (a presence capability).
      await dave.api.addFriend('fay');
      await eventually(() => door.count() > 0, 20_000, 'a dial with --dial-local on');
    } finally {
      await net1.close();
      await door.close();
    }
  });
});
