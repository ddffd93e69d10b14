import { afterAll, describe, expect, it } from 'vitest';
import type { EventClient } from '../../../testkit/event-client.js';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import type { TestHost } from '../../../testkit/test-host.js';
import { burst, type Accepted } from './support/burst.js';
import { allDelivered, announced, committedMessages, friends } from './support/pair.js';
import { fullHistory, report, tally } from './support/tally.js';

/**
 * kill -9 of the receiver in the middle of a live burst, twice. An ack means
 * "committed": every message answered delivered before the kill must be in
 * the dead receiver's database file; after restarts every accepted message
 * arrives once and the sender marks them all delivered.
 */
describe('receiver killed mid-burst', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('acked messages survive, all arrive once, all end delivered', async () => {
    const [alice, first] = await friends(net, { username: 'alice' }, { username: 'bob' });
    let bob: TestHost = first;
    const bobEvents: EventClient[] = [await bob.events()];
    const aliceEvents = await alice.events();
    const kills = [50, 130];
    const ackedBeforeKill = new Set<string>();
    let missingInFile = 0;

    const killAndRestart = async (accepted: ReadonlyMap<string, Accepted>) => {
      await bob.crash();
      // Snapshot after the kill: a 201 "delivered" or a delivered status event seen by now
      // was acked (or receipted) by a process that is dead now, so it must be in its file.
      const acked = new Set([...accepted].filter(([, a]) => a.result.delivered).map(([id]) => id));
      for (const s of aliceEvents.of('message_status')) if (s.delivered) acked.add(s.msg_id);
      const inFile = new Set(committedMessages(bob, 'alice').map((m) => m.msg_id));
      for (const id of acked) {
        ackedBeforeKill.add(id);
        if (!inFile.has(id)) missingInFile += 1;
      }
      bob = await net.restart(bob);
      bobEvents.push(await bob.events());
    };

    // The kills run beside the burst: the other requests keep coming while bob is down.
    let pending = Promise.resolve();
    const out = await burst(alice, 'bob', 'crash-receiver', 200, {
      concurrency: 4,
      onAccepted: (n, accepted) => {
        if (kills.includes(n)) pending = pending.then(() => killAndRestart(accepted));
      },
    });
    await pending;
    expect(out.unanswered).toEqual([]);
    const accepted = out.accepted;

    await eventually(
      async () => {
        const got = new Set((await fullHistory(bob, 'alice')).map((m) => m.msg_id));
        return [...accepted.keys()].every((id) => got.has(id));
      },
      90_000,
      'every accepted message at bob',
    );
    await allDelivered(alice, 'bob', accepted.size, 60_000);
    const history = await fullHistory(bob, 'alice');
    const t = tally(accepted, history, announced(bobEvents));
    const directAtSend = [...accepted.values()].filter((a) => a.result.delivered).length;
    report('crash-receiver', t, { kills: kills.length, acked_before_kill: ackedBeforeKill.size, acked_missing_after_kill: missingInFile, direct_at_send: directAtSend });
    expect(missingInFile).toBe(0);
    expect(ackedBeforeKill.size).toBeGreaterThan(0);
    expect(t).toMatchObject({ sent: 200, delivered: 200, duplicated: 0, lost: 0, corrupted: 0, unacknowledged: 0 });
    for (const c of [...bobEvents, aliceEvents]) c.close();
  });
});
