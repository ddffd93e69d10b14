import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { configureLocalDirectory } from '../src/directory/local-settings.js';
import { MANY_HOSTS_SETTINGS } from '../src/directory/settings.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';

/** Sessions are only for friends presenting exactly the pinned keys. */
describe('peer authentication', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  /**
   * A directory of the attacker's own where `username`'s row is copied from
   * the real one with its presence public (as if bob's address leaked some
   * other way): the shared directory shows it only to bob's friends.
   */
  function leakedDirectory(file: string, username: string): string {
    configureLocalDirectory(file, MANY_HOSTS_SETTINGS);
    const real = new Database(net.directoryPath, { readonly: true });
    const row = real.prepare(`SELECT * FROM users WHERE username = ?`).get(username) as Record<string, unknown>;
    real.close();
    const fake = new Database(file);
    const columns = Object.keys(row);
    fake.prepare(`INSERT INTO users (${columns.join(', ')}) VALUES (${columns.map((c) => '@' + c).join(', ')})`).run({
      ...row,
      legacy_until: Date.now() + 3600_000,
    });
    fake.close();
    return file;
  }

  it('shows a stranger no address, so a stranger never even dials', async () => {
    const bob = await net.start({ username: 'bob' });
    const stranger = await net.start({ username: 'stranger' });
    await stranger.api.addFriend('bob');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await stranger.api.friends())[0]).toMatchObject({ username: 'bob', online: false, last_seen: null, last_ip: null });
    expect(bob.stderr).not.toMatch(/refused a session from a stranger/);
  });

  it('refuses a stranger who found the address anyway, and logs it', async () => {
    const bob = await net.start({ username: 'bob1' });
    const fakeDirectory = path.join(net.root, 'leaked-directory.sqlite');
    leakedDirectory(fakeDirectory, 'bob1');
    const stranger = await net.start({ username: 'stranger1', args: ['--directory-path', fakeDirectory] });
    await stranger.api.addFriend('bob1');
    const sent = await stranger.api.send('bob1', 'let me in');
    expect(sent.delivered).toBe(false);
    await eventually(() => /refused sessions from strangers/.test(bob.stderr), 10_000, 'refusal logged');
    expect((await bob.api.status()).peer_count).toBe(0);
    expect((await stranger.api.status()).peer_count).toBe(0);
  });

  it('refuses an impostor using a friend\u2019s name with other keys, logs it, and changes nothing else', async () => {
    const alice = await net.start({ username: 'alice' });
    const bob = await net.start({ username: 'bob2' });
    await net.befriend(alice, bob);
    const events = await bob.events();

    // An impostor claims "alice" in a directory of its own, where bob2's record is copied.
    const fakeDirectory = path.join(net.root, 'impostor-directory.sqlite');
    leakedDirectory(fakeDirectory, 'bob2');
    const impostor = await net.start({ username: 'alice', args: ['--directory-path', fakeDirectory] });
    await impostor.api.addFriend('bob2');
    await impostor.api.send('bob2', 'it is me, alice');

    await eventually(() => /refused sessions under a friend's name with keys other than the pinned ones/.test(bob.stderr), 10_000, 'the refusal logged');
    // Anyone can claim a name: only alice's signed directory record could say her keys changed.
    expect(events.of('key_changed')).toHaveLength(0);
    expect((await bob.api.friends()).find((f) => f.username === 'alice')).toMatchObject({ key_changed: false });
    // The real alice keeps her session and bob2 never shows the impostor's text.
    expect((await bob.api.status()).peer_count).toBe(1);
    const history = await bob.api.messages('alice');
    expect(history.messages.some((m) => m.text === 'it is me, alice')).toBe(false);
    const ok = await alice.api.send('bob2', 'the real alice');
    expect(ok.delivered).toBe(true);
    expect(fs.existsSync(path.join(impostor.dataDir, 'host.json'))).toBe(true);
    events.close();
  });
});
