import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';

const contactOf = async (host: TestHost, username: string) => (await host.api.friends()).find((f) => f.username === username);
const sentTo = async (host: TestHost, peer: string, msgId: string) =>
  (await host.api.messages(peer, { limit: 500 })).messages.find((m) => m.msg_id === msgId);

/** Capability hashes the shared directory holds, by owner: never who they are for. */
function capabilityCount(net: Testnet, owner: string): number {
  const db = new Database(net.directoryPath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM capabilities WHERE owner = ?').get(owner) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Friends through the capabilities they grant each other: the whole flow between real hosts. */
describe('capabilities between friends', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('becomes friends only through grants, and the first message waits for the add-back', async () => {
    const alice = await net.start({ username: 'alice' });
    const bob = await net.start({ username: 'bob' });
    const bobEvents = await bob.events();
    await alice.api.addFriend('bob');

    // Bob sees who wants to chat; alice sees nothing of bob but his key record.
    await bobEvents.waitFor('introduction', (d) => d.username === 'alice', 15_000);
    expect(await bob.api.introductions()).toMatchObject([{ username: 'alice' }]);
    const before = await contactOf(alice, 'bob');
    expect(before).toMatchObject({ online: false, last_seen: null, last_ip: null, path: null });

    // Without bob's capability her message stays queued, and the contact says why.
    const first = await alice.api.send('bob', 'hi bob, it is alice');
    expect(first).toMatchObject({ delivered: false, status: 'queued' });
    const blocked = await eventually(async () => (await contactOf(alice, 'bob'))?.mail_blocked, 10_000, 'mail_blocked');
    expect(blocked).toMatchObject({ code: 'CAPABILITY_REQUIRED' });
    expect(blocked.reason).toMatch(/waiting for bob to add you back/i);

    await bob.api.addFriend('alice');
    expect(await bob.api.introductions()).toEqual([]);
    await eventually(async () => (await alice.api.status()).peer_count === 1 && (await bob.api.status()).peer_count === 1, 15_000, 'a session');
    await bobEvents.waitFor('new_message', (m) => m.msg_id === first.msg_id, 15_000);
    await eventually(async () => (await sentTo(alice, 'bob', first.msg_id))?.delivered, 10_000, 'delivered at alice');
    await eventually(async () => (await contactOf(alice, 'bob'))?.mail_blocked === null, 10_000, 'block lifted');
    // Each registered a drop and a presence capability for the other, and nothing else.
    expect(capabilityCount(net, 'alice')).toBe(2);
    expect(capabilityCount(net, 'bob')).toBe(2);
    bobEvents.close();
  });

  it('carries offline mail only with a capability, and removing a friend revokes exactly theirs', async () => {
    const carol = await net.start({ username: 'carol' });
    let dave = await net.start({ username: 'dave' });
    const erin = await net.start({ username: 'erin' });
    await net.befriend(carol, dave);
    await net.befriend(erin, dave);
    expect(capabilityCount(net, 'dave')).toBe(4);

    await dave.stop();
    const stored = await carol.api.send('dave', 'while you were away');
    expect(stored).toMatchObject({ status: 'stored', delivery_method: 'offline' });
    dave = await net.restart(dave);
    await eventually(async () => (await dave.api.messages('carol')).messages.some((m) => m.msg_id === stored.msg_id), 15_000, 'mail at dave');

    // Dave removes carol: her capabilities stop working at once; erin's keep working.
    await dave.api.removeFriend('carol');
    await eventually(() => capabilityCount(net, 'dave') === 2, 10_000, 'carol revoked');
    await dave.stop();
    const refused = await carol.api.send('dave', 'are you there?');
    expect(refused.status).toBe('queued');
    const block = await eventually(async () => (await contactOf(carol, 'dave'))?.mail_blocked, 10_000, 'mail_blocked');
    expect(block).toMatchObject({ code: 'CAPABILITY_REQUIRED' });
    await eventually(async () => (await contactOf(carol, 'dave'))?.online === false, 10_000, 'dave offline for carol');
    expect(await erin.api.send('dave', 'still me')).toMatchObject({ status: 'stored' });
    // Nothing is dropped: carol's message waits in her outbox.
    expect(await sentTo(carol, 'dave', refused.msg_id)).toMatchObject({ status: 'queued' });
  });

  it('sends delivery receipts back through the mailbox when no session can ever form', async () => {
    // Port 1 refuses at once and the DHT is off.
    const unreachable = ['--advertise', '127.0.0.1:1', '--limit', 'mailboxFastPollMs=500'];
    const frank = await net.start({ username: 'frank', args: unreachable });
    const gina = await net.start({ username: 'gina', args: unreachable });
    await frank.api.addFriend('gina');
    await gina.api.addFriend('frank');
    const frankEvents = await frank.events();
    // Online by presence means gina's grant reached frank (through his introduction queue and mailbox).
    await eventually(async () => (await contactOf(frank, 'gina'))?.online, 20_000, 'gina online by presence');
    const sent = await frank.api.send('gina', 'no path between us');
    expect(sent.status).toBe('stored');
    await frankEvents.waitFor('message_status', (s) => s.msg_id === sent.msg_id && s.status === 'delivered', 20_000);
    expect(await sentTo(frank, 'gina', sent.msg_id)).toMatchObject({ delivered: true, delivery_method: 'offline' });
    expect((await frank.api.status()).peer_count).toBe(0);
    frankEvents.close();
  });
});
