import { afterAll, describe, expect, it } from 'vitest';
import { eventually, Testnet } from '../support/testnet.js';
import { burst } from './support/burst.js';
import { allDelivered, announced, friends, takeDirectoryAway } from './support/pair.js';
import { fullHistory, report, tally } from './support/tally.js';

/**
 * The local directory file vanishes in the middle of a burst to an offline
 * friend and comes back later: every send is still accepted (queued), none
 * is lost, and all are delivered once after recovery.
 */
describe('directory outage during a burst (local file)', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('sends queue, nothing is lost, all delivered after recovery', async () => {
    const [alice, first] = await friends(net, { username: 'alice' }, { username: 'bob' });
    await first.stop();
    await eventually(async () => (await alice.api.status()).peer_count === 0, 20_000, 'session down');

    let restore: (() => void) | undefined;
    let sawUnreachable = false;
    // Every sender waits here until the host has noticed the outage, so the
    // outage spans a real part of the burst however fast the sends are.
    let gate = Promise.resolve();
    try {
      const out = await burst(alice, 'bob', 'directory-outage', 150, {
        concurrency: 4,
        onAccepted: async (n) => {
          if (n === 30) {
            gate = (async () => {
              restore = takeDirectoryAway(net.directoryPath);
              await eventually(async () => !(await alice.api.status()).directory.reachable, 20_000, 'directory unreachable in /status');
              sawUnreachable = true;
            })();
          }
          if (n === 110) restore?.();
          await gate;
        },
      });
      restore?.();
      expect(sawUnreachable).toBe(true);
      expect(out.unanswered).toEqual([]);
      const queued = [...out.accepted.values()].filter((a) => a.result.status === 'queued').length;
      await eventually(async () => (await alice.api.status()).directory.reachable, 20_000, 'directory reachable again');

      const bob = await net.restart(first);
      const bobEvents = await bob.events();
      await eventually(
        async () => {
          const got = new Set((await fullHistory(bob, 'alice')).map((m) => m.msg_id));
          return [...out.accepted.keys()].every((id) => got.has(id));
        },
        90_000,
        'every accepted message at bob',
      );
      await allDelivered(alice, 'bob', out.accepted.size, 60_000);
      const t = tally(out.accepted, await fullHistory(bob, 'alice'), announced([bobEvents]));
      report('directory-outage-local', t, { queued_during_outage: queued });
      expect(queued).toBeGreaterThan(0);
      expect(t).toMatchObject({ sent: 150, delivered: 150, duplicated: 0, lost: 0, corrupted: 0, unacknowledged: 0 });
      bobEvents.close();
    } finally {
      restore?.();
    }
  });
});
