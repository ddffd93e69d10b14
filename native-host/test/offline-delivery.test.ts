import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromBase64 } from '../src/crypto/identity.js';
import { mailFor, replayMail } from './support/host-reads.js';
import { rewriteUser, swapKeyRecord } from './support/swap-record.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

const texts = async (host: TestHost, peer: string) => (await host.api.messages(peer, { limit: 500 })).messages;

/** The offline path: sealed envelopes in the directory mailbox, outbox retries, key changes. */
describe('offline delivery through the mailbox', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('friend offline → stored; friend returns → gets it once, offline; sender flips to delivered', async () => {
    const alice = await net.start({ username: 'alice' });
    let bob = await net.start({ username: 'bob' });
    await net.befriend(alice, bob);
    await bob.stop();
    const aliceEvents = await alice.events();
    const result = await alice.api.send('bob', 'while you were away');
    expect(result).toMatchObject({ delivered: false, delivery_method: 'offline', status: 'stored' });

    bob = await net.restart(bob);
    const bobEvents = await bob.events();
    await eventually(async () => (await texts(bob, 'alice')).some((m) => m.msg_id === result.msg_id), 15_000, 'mail at bob');
    const copies = (await texts(bob, 'alice')).filter((m) => m.msg_id === result.msg_id);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ text: 'while you were away', delivery_method: 'offline', direction: 'received', from: 'alice' });
    await aliceEvents.waitFor('message_status', (s) => s.msg_id === result.msg_id && s.delivered, 15_000);
    const mine = defined((await texts(alice, 'bob')).find((m) => m.msg_id === result.msg_id));
    expect(mine).toMatchObject({ delivered: true, status: 'delivered', delivery_method: 'offline' });
    // A later poll must not show it again.
    await new Promise((r) => setTimeout(r, 1200));
    expect(bobEvents.of('new_message').filter((m) => m.msg_id === result.msg_id).length).toBeLessThanOrEqual(1);
    expect((await texts(bob, 'alice')).filter((m) => m.msg_id === result.msg_id)).toHaveLength(1);
    aliceEvents.close();
    bobEvents.close();
  });

  it('a replayed envelope shows once', async () => {
    const frank = await net.start({ username: 'frank' });
    let gail = await net.start({ username: 'gail' });
    await net.befriend(frank, gail);
    await gail.stop();
    const sent = await frank.api.send('gail', 'only once please');
    expect(sent.status).toBe('stored');
    // The directory (or anyone who can write to it) replays the envelope three times.
    const mail = mailFor(net.directoryPath, 'gail');
    for (let i = 0; i < 3; i++) replayMail(net.directoryPath, mail, `replay-${i}`);
    gail = await net.restart(gail);
    const events = await gail.events();
    await eventually(async () => (await texts(gail, 'frank')).length > 0, 15_000, 'mail at gail');
    await eventually(() => mailFor(net.directoryPath, 'gail').length === 0, 10_000, 'mailbox drained');
    expect((await texts(gail, 'frank')).filter((m) => m.msg_id === sent.msg_id)).toHaveLength(1);
    expect(events.of('new_message').filter((m) => m.msg_id === sent.msg_id).length).toBeLessThanOrEqual(1);
    events.close();
  });

  it('directory down: sends stay queued, nothing lost, all delivered after it returns', async () => {
    const carol = await net.start({ username: 'carol' });
    let dave = await net.start({ username: 'dave' });
    await net.befriend(carol, dave);
    await dave.stop();
    const away = net.directoryPath + '.away';
    fs.renameSync(net.directoryPath, away);
    try {
      await eventually(async () => !(await carol.api.status()).directory.reachable, 10_000, 'directory unreachable in /status');
      const sent = [];
      for (let i = 0; i < 5; i++) sent.push(await carol.api.send('dave', `queued ${i}`));
      expect(sent.every((r) => r.status === 'queued' && !r.delivered && r.delivery_method === 'offline')).toBe(true);
      expect((await carol.api.friends()).length).toBe(1);
    } finally {
      fs.renameSync(away, net.directoryPath);
    }
    await eventually(async () => (await carol.api.status()).directory.reachable, 10_000, 'directory back');
    await eventually(async () => (await texts(carol, 'dave')).every((m) => m.status === 'stored'), 10_000, 'stored after recovery');
    dave = await net.restart(dave);
    await eventually(async () => (await texts(dave, 'carol')).length === 5, 15_000, 'all five at dave');
    const received = (await texts(dave, 'carol')).map((m) => m.text);
    expect(received).toEqual([0, 1, 2, 3, 4].map((i) => `queued ${i}`));
    await eventually(async () => (await texts(carol, 'dave')).every((m) => m.delivered), 15_000, 'all delivered at carol');
  });
});

describe('an untrusted directory', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('a forged record (other keys for bob) raises key_changed and nothing reaches the forger', async () => {
    const erin = await net.start({ username: 'erin' });
    const bob = await net.start({ username: 'bob' });
    const mallory = await net.start({ username: 'mallory' });
    await net.befriend(erin, bob);
    const pinned = defined((await erin.api.friends())[0]);
    await bob.stop();
    const events = await erin.events();

    // A record with a broken signature is ignored outright.
    rewriteUser(net.directoryPath, 'bob', { signature: 'AAAA' });
    await new Promise((r) => setTimeout(r, 1500));
    expect(events.of('key_changed')).toHaveLength(0);

    // A self-consistent forgery: mallory's keys, signed by mallory, under bob's name, at mallory's address.
    const keys = JSON.parse(fs.readFileSync(path.join(mallory.dataDir, 'identity.json'), 'utf8'));
    swapKeyRecord(
      net.directoryPath,
      'bob',
      { publicKey: keys.public_key, signingKey: keys.signing_public_key, signingPrivateKey: fromBase64(keys.signing_private_key) },
      { addresses: JSON.stringify([`127.0.0.1:${mallory.info.peer_port}`]) },
    );
    await events.waitFor('key_changed', (d) => d.username === 'bob', 10_000);
    const contact = defined((await erin.api.friends())[0]);
    expect(contact).toMatchObject({ key_changed: true, public_key: pinned.public_key, signing_key: pinned.signing_key });
    expect((await erin.api.verification('bob')).key_changed).toBe(true);

    const held = await erin.api.send('bob', 'for bob only');
    expect(held).toMatchObject({ delivered: false, status: 'queued' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(defined((await texts(erin, 'bob')).find((m) => m.msg_id === held.msg_id)).status).toBe('queued');
    expect(mallory.stderr).not.toMatch(/session (up|established)/);
    expect((await mallory.api.status()).peer_count).toBe(0);
    events.close();
  });
});
