import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/directory/local-accounts.js';
import { LocalDirectory } from '../../src/directory/local-directory.js';
import { migrate } from '../../src/directory/local-schema.js';
import { solveWork } from '../../src/directory/proof-of-work.js';
import { bundleScript } from '../support/bundle-script.js';
import { runDirectoryContract } from './directory-contract.js';
import { claim, envelope, giveCapability, makePresence, makeUser } from './directory-fixtures.js';
import { defined } from '../../../shared/defined.js';

/** Many sign-ups and puts on one file, which counts every host on the machine as one caller. */
const BUSY = { powRegisterBits: 2, rateRegisterPerHour: 100_000, rateDropPerMinute: 100_000 };

function tempPath(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-dir-'));
  return { dir, file: path.join(dir, 'nested', 'directory.sqlite') };
}

runDirectoryContract('local', async (settings) => {
  const { dir, file } = tempPath();
  const directory = new LocalDirectory({ path: file, settings });
  return {
    directory,
    from: () => directory,
    addresses: false,
    cleanup: async () => {
      await directory.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('local directory file', () => {
  const dirs: string[] = [];
  const opened: LocalDirectory[] = [];
  afterEach(async () => {
    for (const d of opened.splice(0)) await d.close();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  function open(file: string): LocalDirectory {
    const directory = new LocalDirectory({ path: file, settings: BUSY });
    opened.push(directory);
    return directory;
  }

  it('creates the file in a private folder and shares it between instances', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    const one = open(file);
    const two = open(file);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    const alice = makeUser('alice');
    await claim(one, alice);
    expect((await two.lookup(['alice'])).map((e) => e.username)).toEqual(['alice']);
  });

  it('interleaved writers on one file lose nothing', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    const writers = [open(file), open(file), open(file)];
    const bob = makeUser('bob');
    await claim(defined(writers[0]), bob);
    const drop = await giveCapability(defined(writers[0]), bob, 'drop');
    const users = Array.from({ length: 30 }, (_, i) => makeUser(`user${i}`));
    await Promise.all(
      users.flatMap((user, i) => [claim(defined(writers[i % 3]), user), defined(writers[(i + 1) % 3]).mailboxPut('bob', envelope(32), drop)]),
    );
    expect(await defined(writers[2]).lookup(users.map((u) => u.record.username))).toHaveLength(30);
    expect(await defined(writers[1]).mailboxTake('bob', bob.secret, 100)).toHaveLength(30);
  });

  it('several processes writing at once lose nothing', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    const here = open(file);
    const bob = makeUser('bob');
    await claim(here, bob);
    const drop = await giveCapability(here, bob, 'drop');
    const script = await bundleScript(path.join(import.meta.dirname, 'local-writer.ts'));
    try {
      const perProcess = 40;
      const prefixes = ['pa', 'pb', 'pc', 'pd'];
      const outputs = await Promise.all(
        prefixes.map(
          (prefix) =>
            new Promise<string>((resolve, reject) => {
              execFile(process.execPath, [script.file, file, prefix, String(perProcess), 'bob', drop], { timeout: 60_000 }, (err, stdout) =>
                err ? reject(err) : resolve(stdout),
              );
            }),
        ),
      );
      expect(outputs).toEqual(prefixes.map(() => 'done\n'));
      const names = prefixes.flatMap((p) => Array.from({ length: perProcess }, (_, i) => `${p}${i}`));
      expect(await here.lookup(names.slice(0, 200))).toHaveLength(names.length);
      expect(await here.mailboxTake('bob', bob.secret, 100)).toHaveLength(100);
      const ids = (await here.mailboxTake('bob', bob.secret, 100)).map((m) => m.id);
      await here.mailboxAck('bob', bob.secret, ids);
      expect(await here.mailboxTake('bob', bob.secret, 100)).toHaveLength(names.length - 100);
    } finally {
      script.remove();
    }
  }, 60_000);

  it('reports the file gone as unreachable, never recreates it, and recovers when it is back', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    const directory = open(file);
    const alice = makeUser('alice');
    await claim(directory, alice);
    await directory.lookup(['alice']);

    fs.renameSync(file, `${file}.moved`);
    await expect(directory.lookup(['alice'])).rejects.toMatchObject({ code: 'DIRECTORY_UNREACHABLE' });
    await expect(directory.heartbeat('alice', alice.secret, makePresence(alice))).rejects.toMatchObject({
      code: 'DIRECTORY_UNREACHABLE',
    });
    expect(fs.existsSync(file)).toBe(false);

    fs.renameSync(`${file}.moved`, file);
    expect((await directory.lookup(['alice'])).map((e) => e.username)).toEqual(['alice']);
    await directory.heartbeat('alice', alice.secret, makePresence(alice, { addresses: ['127.0.0.1:9100'] }));
  });

  it('notices a file replaced under the same path', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    const directory = open(file);
    const alice = makeUser('alice');
    await claim(directory, alice);
    await directory.close();
    opened.pop();
    const reopened = open(file);
    await reopened.lookup(['alice']);

    // Another copy of the file, with alice's claim, takes the path's place.
    fs.copyFileSync(file, `${file}.copy`);
    fs.renameSync(`${file}.copy`, file);
    await expect(reopened.lookup(['alice'])).rejects.toMatchObject({ code: 'DIRECTORY_UNREACHABLE' });
    expect((await reopened.lookup(['alice'])).map((e) => e.username)).toEqual(['alice']);
  });

  it('maps a file that is not a database to unreachable', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'this is not sqlite at all, not even close'.repeat(100));
    expect(() => new LocalDirectory({ path: file })).toThrow(expect.objectContaining({ code: 'DIRECTORY_UNREACHABLE' }));
  });

  it('uses its own clock for presence and expiry', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    let now = Date.parse('2026-06-15T10:00:00.000Z');
    const directory = new LocalDirectory({ path: file, now: () => now, settings: { ...BUSY, maxEnvelopeAgeMs: 60_000 } });
    opened.push(directory);
    const bob = makeUser('bob');
    await directory.register(bob.record, bob.secret, {
      recoveryHash: 'a'.repeat(64),
      work: await solveWork('register', 'bob', 2, { nowMs: now }),
    });
    await directory.heartbeat('bob', bob.secret, makePresence(bob, { addresses: ['10.1.2.3:9100'] }));
    const seeing = await giveCapability(directory, bob, 'presence');
    expect((await directory.lookup(['bob'], { bob: seeing }))[0]?.lastSeen).toBe('2026-06-15T10:00:00.000Z');
    await directory.mailboxPut('bob', envelope(8), await giveCapability(directory, bob, 'drop'));
    now += 60_000;
    expect(await directory.mailboxTake('bob', bob.secret, 10)).toHaveLength(1);
    now += 1;
    expect(await directory.mailboxTake('bob', bob.secret, 10)).toEqual([]);
  });

  it('moves a file from schema 1 to capabilities, keeping every user and their open mailbox until they end it', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    // The schema-1 file an older host wrote, with one user.
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const raw = new Database(file);
    migrate(raw, Date.now(), 1);
    const alice = makeUser('alice');
    raw.prepare(
      `INSERT INTO users (username, public_key, signing_key, signature, secret_hash, addresses, last_seen, last_ip, created_at)
       VALUES (?, ?, ?, ?, ?, '["10.0.0.9:9100"]', 1, '10.0.0.9', 1)`,
    ).run('alice', alice.record.publicKey, alice.record.signingKey, alice.record.signature, sha256(alice.secret));
    raw.close();

    const upgraded = open(file);
    // Its owner's exact repeat still works without a proof; the mailbox is open to anyone for now.
    await upgraded.register(alice.record, alice.secret);
    const [before] = await upgraded.lookup(['alice']);
    expect(before).toMatchObject({ username: 'alice', presence: null, lastSeen: new Date(1).toISOString() });
    await upgraded.mailboxPut('alice', envelope(8), null);
    const presence = makePresence(alice);
    await upgraded.heartbeat('alice', alice.secret, presence);
    expect((await upgraded.lookup(['alice']))[0]?.presence).toEqual(presence);
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT last_ip FROM users').get()).toEqual({ last_ip: null });
    check.close();

    // Once alice's host ends it, only capabilities let anyone in.
    await upgraded.endLegacy('alice', alice.secret);
    await expect(upgraded.mailboxPut('alice', envelope(8), null)).rejects.toMatchObject({ code: 'CAPABILITY_REQUIRED' });
    expect((await upgraded.lookup(['alice']))[0]).toMatchObject({ presence: null, lastSeen: null });
    expect(await upgraded.mailboxTake('alice', alice.secret, 10)).toHaveLength(1);
  });
});
