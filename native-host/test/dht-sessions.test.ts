import Database from 'better-sqlite3';
import HyperDHT from 'hyperdht';
import createTestnet from 'hyperdht/testnet.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedPresence } from '../src/directory/directory.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

/**
 * Friends whose advertised TCP address does not work reach each other over
 * the HyperDHT: hyperdht's own testnet on 127.0.0.1, real hosts on it.
 */
describe('sessions over the HyperDHT', () => {
  const net = new Testnet();
  let dht: Awaited<ReturnType<typeof createTestnet>>;
  let bootstrap: string;
  /** Port 1 refuses at once: TCP fails and the DHT is the only way. */
  const dhtOnly = () => ['--dht', 'on', '--dht-bootstrap', bootstrap, '--advertise', '127.0.0.1:1'];
  // The record as the directory stores it (only friends holding a presence capability get it from a lookup).
  const entryOf = async (username: string) => {
    const db = new Database(net.directoryPath, { readonly: true });
    const row = db.prepare('SELECT public_key, signing_key, presence FROM users WHERE username = ?').get(username) as
      | { public_key: string; signing_key: string; presence: string | null }
      | undefined;
    db.close();
    return row && { publicKey: row.public_key, signingKey: row.signing_key, presence: row.presence ? (JSON.parse(row.presence) as SignedPresence) : null };
  };
  const dhtKeyOf = async (username: string) => (await entryOf(username))?.presence?.dhtKey ?? null;
  const pathTo = async (host: TestHost, friend: string) => (await host.api.friends()).find((f) => f.username === friend)?.path;

  beforeAll(async () => {
    dht = await createTestnet(4, { host: '127.0.0.1', port: [0, 1] });
    bootstrap = `127.0.0.1:${defined(dht.bootstrap[0]).port}`;
  });

  afterAll(async () => {
    await net.close();
    await dht?.destroy();
  });

  it('hole punches a session the friends use like any other', async () => {
    const alice = await net.start({ username: 'alice', args: dhtOnly() });
    const bob = await net.start({ username: 'bob', args: dhtOnly() });
    await eventually(async () => (await alice.api.status()).network.dht === 'online', 10_000, 'the DHT joined');
    expect((await alice.api.status()).network).toEqual({ dht: 'online', relays: 0 });
    // The published record carries the DHT key, which is not an identity key.
    const entry = await entryOf('alice');
    expect(entry?.presence?.dhtKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect([entry?.publicKey, entry?.signingKey]).not.toContain(entry?.presence?.dhtKey);

    await net.befriend(alice, bob);
    expect(await pathTo(alice, 'bob')).toBe('holepunch');
    expect(await pathTo(bob, 'alice')).toBe('holepunch');
    const events = await bob.events();
    const sent = await alice.api.send('bob', 'through the DHT');
    expect(sent).toMatchObject({ delivered: true, delivery_method: 'direct' });
    await events.waitFor('new_message', (m) => m.text === 'through the DHT');
    events.close();
  });

  it('refuses a DHT key that is no friend\u2019s before punching, and logs it once', async () => {
    const carol = await net.start({ username: 'carol', args: dhtOnly() });
    await eventually(async () => (await carol.api.status()).network.dht === 'online', 10_000, 'the DHT joined');
    const key = await eventually(() => dhtKeyOf('carol'), 5000, 'carol publishes her DHT key');
    const stranger = new HyperDHT({ bootstrap: [bootstrap], host: '127.0.0.1', port: [0, 1] });
    try {
      const outcomes = await Promise.all(
        [1, 2, 3].map(
          () =>
            new Promise<string>((resolve) => {
              const stream = stranger.connect(Buffer.from(key, 'base64'));
              stream.on('open', () => resolve('open'));
              stream.on('error', (err) => resolve(err.code ?? 'error'));
            }),
        ),
      );
      expect(outcomes).not.toContain('open');
    } finally {
      await stranger.destroy({ force: true });
    }
    await eventually(() => /refused a DHT connection/.test(carol.stderr), 5000, 'the refusal logged');
    expect(carol.stderr.match(/refused a DHT connection/g)).toHaveLength(1);
    expect((await carol.api.status()).peer_count).toBe(0);
  });

  it('ignores a presence record not signed by the friend, logging it once, and keeps working', async () => {
    const dave = await net.start({ username: 'dave', args: dhtOnly() });
    const erin = await net.start({ username: 'erin', args: dhtOnly() });
    await net.befriend(dave, erin);
    await erin.stop();
    // The directory (untrusted) now serves a record for erin that she never signed.
    const file = new Database(net.directoryPath);
    const forged = { addresses: ['203.0.113.66:9100'], dhtKey: null, issuedAt: new Date(Date.now() + 60_000).toISOString(), signature: 'A'.repeat(86) + '==' };
    file.prepare(`UPDATE users SET presence = ? WHERE username = 'erin'`).run(JSON.stringify(forged));
    file.close();
    await eventually(() => /ignoring a presence record that is malformed or not signed/.test(dave.stderr), 5000, 'the refusal logged');
    await new Promise((r) => setTimeout(r, 1500));
    expect(dave.stderr.match(/ignoring a presence record that is malformed or not signed/g)).toHaveLength(1);
    const row = new Database(`${dave.dataDir}/parley.db`, { readonly: true });
    const friend = row.prepare(`SELECT addresses FROM friends WHERE username = 'erin'`).get() as { addresses: string };
    row.close();
    expect(friend.addresses).not.toContain('203.0.113.66');
    expect((await dave.api.status()).username).toBe('dave');
  });

  it('a DHT it cannot join leaves the host working on its other paths', async () => {
    // Nothing answers on the discard port: the node never joins.
    const frank = await net.start({ username: 'frank', args: ['--dht', 'on', '--dht-bootstrap', '127.0.0.1:9'] });
    const gina = await net.start({ username: 'gina' });
    await net.befriend(frank, gina);
    expect(await pathTo(frank, 'gina')).toBe('tcp');
    expect((await frank.api.status()).network).toEqual({ dht: 'joining', relays: 0 });
    expect((await frank.api.send('gina', 'over TCP')).delivered).toBe(true);
  });
});
