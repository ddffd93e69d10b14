import { afterAll, describe, expect, it } from 'vitest';
import type { EventClient } from '../../../testkit/event-client.js';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import type { TestHost } from '../../../testkit/test-host.js';
import { burst, type Accepted } from './support/burst.js';
import { announced, deliveredAtSender, friends } from './support/pair.js';
import { fullHistory, report, tally } from './support/tally.js';

/**
 * kill -9 of the sender in the middle of a burst to an offline friend, twice:
 * every message answered 201 reaches the friend exactly once after restarts,
 * including the ones it committed but could not answer before dying.
 */
describe('sender killed mid-burst, friend offline', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('every 201 reaches the friend exactly once', async () => {
    let [alice, bob] = await friends(net, { username: 'alice' }, { username: 'bob' });
    await bob.stop();
    await eventually(async () => (await alice.api.status()).peer_count === 0, 20_000, 'session down');

    const accepted = new Map<string, Accepted>();
    let unanswered = 0;
    const rounds = [
      { count: 150, killAfter: 60 },
      { count: 150, killAfter: 90 },
    ];
    for (const [round, { count, killAfter }] of rounds.entries()) {
      let killed: Promise<void> | undefined;
      const out = await burst(alice, 'bob', `crash-sender r${round}`, count, {
        concurrency: 6,
        onAccepted: (n) => {
          if (n === killAfter) killed = alice.crash();
        },
      });
      await killed;
      expect(alice.child.signalCode).toBe('SIGKILL');
      for (const [id, a] of out.accepted) accepted.set(id, a);
      unanswered += out.unanswered.length;
      alice = await net.restart(alice);
    }
    // Everything the sender committed, answered or not, must be handed on once.
    const committed = (await fullHistory(alice, 'bob')).filter((m) => m.direction === 'sent');
    expect(committed.length).toBeGreaterThanOrEqual(accepted.size);

    bob = await net.restart(bob);
    const bobEvents: EventClient[] = [await bob.events()];
    await eventually(
      async () => {
        const got = new Set((await fullHistory(bob, 'alice')).map((m) => m.msg_id));
        return committed.every((m) => got.has(m.msg_id));
      },
      90_000,
      'every committed message at bob',
    );
    const senderDelivered = await deliveredAtSender(alice, 'bob', committed.map((m) => m.msg_id));
    // One more poll round must add nothing.
    await settle(bob);

    const t = tally(accepted, await fullHistory(bob, 'alice'), announced(bobEvents));
    report('crash-sender', t, { kills: rounds.length, unanswered, committed: committed.length, sender_marked_delivered: senderDelivered });
    expect(t).toMatchObject({ sent: accepted.size, delivered: accepted.size, duplicated: 0, lost: 0, corrupted: 0 });
    expect(t.unacknowledged).toBe(committed.length - accepted.size);
    expect(senderDelivered).toBe(committed.length);
    for (const c of bobEvents) c.close();
  });
});

/** Waits for a couple of mailbox polls and checks the history stopped growing. */
async function settle(host: TestHost): Promise<void> {
  const before = (await host.api.messages('alice', { limit: 1 })).total;
  await eventually(
    async () => {
      await new Promise((r) => setTimeout(r, 1200));
      return (await host.api.messages('alice', { limit: 1 })).total === before;
    },
    10_000,
    'history stable',
  );
  expect((await host.api.messages('alice', { limit: 1 })).total).toBe(before);
}
