import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';

/**
 * A friend online by presence whom no path reaches: the status says so
 * (online, no path) and the mailbox is read fast, so mail still arrives
 * within seconds though the regular poll is a minute here.
 */
describe('friends online but not reachable', () => {
  const net = new Testnet();
  afterAll(() => net.close());
  // Port 1 refuses at once and the DHT is off: no session can form.
  const unreachable = ['--advertise', '127.0.0.1:1', '--limit', 'mailboxPollMs=60000'];

  it('shows no path, and delivers through a fast-polled mailbox both ways', async () => {
    const alice = await net.start({ username: 'alice', args: unreachable });
    const bob = await net.start({ username: 'bob', args: unreachable });
    await alice.api.addFriend('bob');
    await bob.api.addFriend('alice');
    await eventually(async () => (await alice.api.friends())[0]?.online, 10_000, 'bob online by presence');
    const [contact] = await alice.api.friends();
    expect(contact).toMatchObject({ username: 'bob', online: true, path: null });
    expect((await alice.api.status()).peer_count).toBe(0);

    const bobEvents = await bob.events();
    const aliceEvents = await alice.events();
    const sent = await alice.api.send('bob', 'by mail');
    expect(sent).toMatchObject({ delivered: false, delivery_method: 'offline' });
    await bobEvents.waitFor('new_message', (m) => m.text === 'by mail' && m.delivery_method === 'offline', 10_000);
    await bob.api.send('alice', 'and back');
    await aliceEvents.waitFor('new_message', (m) => m.text === 'and back', 10_000);
    bobEvents.close();
    aliceEvents.close();
  });
});
