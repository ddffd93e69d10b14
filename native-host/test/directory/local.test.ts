import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalDirectory } from '../../src/directory/local-directory.js';
import { bundleScript } from '../support/bundle-script.js';
import { runDirectoryContract } from './directory-contract.js';
import { envelope, makePresence, makeUser } from './directory-fixtures.js';

function tempPath(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-dir-'));
  return { dir, file: path.join(dir, 'nested', 'directory.sqlite') };
}

runDirectoryContract('local', async (limits) => {
  const { dir, file } = tempPath();
  const directory = new LocalDirectory({ path: file, limits });
  return {
    directory,
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
    const directory = new LocalDirectory({ path: file });
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
    await one.register(alice.record, alice.secret);
    expect((await two.lookup(['alice'])).map((e) => e.username)).toEqual(['alice']);
  });

  it('interleaved writers on one file lose nothing', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    const writers = [open(file), open(file), open(file)];
    const bob = makeUser('bob');
    await writers[0]!.register(bob.record, bob.secret);
    const users = Array.from({ length: 30 }, (_, i) => makeUser(`user${i}`));
    await Promise.all(
      users.flatMap((user, i) => [
        writers[i % 3]!.register(user.record, user.secret),
        writers[(i + 1) % 3]!.mailboxPut('bob', envelope(32)),
      ]),
    );
    expect(await writers[2]!.lookup(users.map((u) => u.record.username))).toHaveLength(30);
    expect(await writers[1]!.mailboxTake('bob', bob.secret, 100)).toHaveLength(30);
  });

  it('several processes writing at once lose nothing', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    const here = open(file);
    const bob = makeUser('bob');
    await here.register(bob.record, bob.secret);
    const script = await bundleScript(path.join(import.meta.dirname, 'local-writer.ts'));
    try {
      const perProcess = 40;
      const prefixes = ['pa', 'pb', 'pc', 'pd'];
      const outputs = await Promise.all(
        prefixes.map(
          (prefix) =>
            new Promise<string>((resolve, reject) => {
              execFile(process.execPath, [script.file, file, prefix, String(perProcess), 'bob'], { timeout: 60_000 }, (err, stdout) =>
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
    await directory.register(alice.record, alice.secret);
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
    await directory.register(alice.record, alice.secret);
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
    const directory = new LocalDirectory({ path: file, now: () => now, limits: { maxEnvelopeAgeMs: 60_000 } });
    opened.push(directory);
    const bob = makeUser('bob');
    await directory.register(bob.record, bob.secret);
    await directory.heartbeat('bob', bob.secret, makePresence(bob, { addresses: ['10.1.2.3:9100'] }));
    expect((await directory.lookup(['bob']))[0]?.lastSeen).toBe('2026-06-15T10:00:00.000Z');
    await directory.mailboxPut('bob', envelope(8));
    now += 60_000;
    expect(await directory.mailboxTake('bob', bob.secret, 10)).toHaveLength(1);
    now += 1;
    expect(await directory.mailboxTake('bob', bob.secret, 10)).toEqual([]);
  });

  it('moves a file from schema 1 (addresses only) to presence records, keeping every user', async () => {
    const { dir, file } = tempPath();
    dirs.push(dir);
    const first = open(file);
    const alice = makeUser('alice');
    await first.register(alice.record, alice.secret);
    await first.close();
    opened.pop();
    // Turn it back into the schema-1 file an older host wrote.
    const raw = new Database(file);
    raw.exec(`ALTER TABLE users DROP COLUMN presence; UPDATE users SET addresses = '["10.0.0.9:9100"]', last_seen = 1`);
    raw.pragma('user_version = 1');
    raw.close();

    const upgraded = open(file);
    const [before] = await upgraded.lookup(['alice']);
    expect(before).toMatchObject({ username: 'alice', presence: null, lastSeen: new Date(1).toISOString() });
    const presence = makePresence(alice);
    await upgraded.heartbeat('alice', alice.secret, presence);
    expect((await upgraded.lookup(['alice']))[0]?.presence).toEqual(presence);
  });
});
