import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventClient } from '../../../testkit/event-client.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import type { TestHost } from '../../../testkit/test-host.js';
import { burst, type Accepted, type BurstOptions } from './support/burst.js';
import { deliveredAtSender } from './support/pair.js';
import { fullHistory, report, tally } from './support/tally.js';

/**
 * Network faults between two live hosts, injected by the proxy each host
 * advertises (so whichever side dials, the session crosses one): connections
 * cut mid-frame, delays past the ack timeout, flipped bits. The receiver must
 * end with every accepted message exactly once and intact, and its client
 * must be told of each exactly once.
 */
describe('network faults through a fault-injecting proxy', () => {
  const net = new Testnet();
  let toAlice: TcpProxy;
  let toBob: TcpProxy;
  let alice: TestHost;
  let bob: TestHost;
  let bobEvents: EventClient;
  const proxies = () => [toAlice, toBob];

  beforeAll(async () => {
    [toAlice, toBob] = await Promise.all([TcpProxy.start(), TcpProxy.start()]);
    // Faults that leave a session out of step are found by the stall and
    // silence timeouts; shortened here so the suite doesn't wait minutes.
    const quick = ['--limit', 'frameStallTimeoutMs=3000', '--limit', 'peerPingMs=1000', '--limit', 'peerIdleTimeoutMs=4000'];
    alice = await net.start({ username: 'alice', args: ['--advertise', `127.0.0.1:${toAlice.port}`, ...quick] });
    toAlice.targetPort = alice.info.peer_port;
    bob = await net.start({ username: 'bob', args: ['--advertise', `127.0.0.1:${toBob.port}`, ...quick] });
    toBob.targetPort = bob.info.peer_port;
    await alice.api.addFriend('bob');
    await bob.api.addFriend('alice');
    await eventually(async () => (await alice.api.status()).peer_count === 1, 20_000, 'session through the proxies');
    bobEvents = await bob.events();
  });
  afterAll(async () => {
    bobEvents?.close();
    await Promise.all(proxies().map((p) => p?.close()));
    await net.close();
  });

  /** Sends a burst under `faults`, heals the network, and checks the outcome at bob. */
  async function run(scenario: string, count: number, options: BurstOptions, extra: () => Record<string, number>) {
    const out = await burst(alice, 'bob', scenario, count, options);
    for (const p of proxies()) p.faults = {};
    expect(out.unanswered).toEqual([]);
    await eventually(
      async () => {
        const got = new Set((await fullHistory(bob, 'alice')).map((m) => m.msg_id));
        return [...out.accepted.keys()].every((id) => got.has(id));
      },
      90_000,
      `every ${scenario} message at bob`,
    );
    const mine = (await fullHistory(bob, 'alice')).filter((m) => m.text.startsWith(`${scenario} #`));
    const shown = bobEvents.of('new_message').filter((m) => out.accepted.has(m.msg_id));
    const t = tally(out.accepted as Map<string, Accepted>, mine, shown);
    const senderDelivered = await deliveredAtSender(alice, 'bob', out.accepted.keys());
    report(scenario, t, { ...extra(), sender_marked_delivered: senderDelivered });
    expect(t).toMatchObject({ sent: count, delivered: count, duplicated: 0, lost: 0, corrupted: 0, unacknowledged: 0 });
    expect(shown).toHaveLength(count);
    expect(senderDelivered).toBe(count);
  }

  it('connections cut mid-frame: no loss, no duplicates', async () => {
    let cuts = 0;
    for (const p of proxies()) p.faults.cutAfterBytes = 1200;
    await run('net-cut', 120, {
      concurrency: 4,
      onAccepted: (n) => {
        if (n % 15 === 0) {
          cuts += 1;
          for (const p of proxies()) p.cutAll();
        }
      },
    }, () => ({ cut_all: cuts, connections: toAlice.connectionIds().length + toBob.connectionIds().length }));
  });

  it('delays, some past the ack timeout: no loss, no duplicates', async () => {
    await eventually(async () => (await alice.api.status()).peer_count === 1, 30_000, 'session back');
    for (const p of proxies()) p.faults.delayMs = 80;
    let late = 0;
    await run('net-delay', 40, {
      concurrency: 1,
      // The last ones wait longer than sendAckTimeoutMs: the sender also drops them in the mailbox.
      onAccepted: (n) => {
        if (n === 32) for (const p of proxies()) p.faults.delayMs = 2600;
        if (n > 32) late += 1;
      },
    }, () => ({ delay_ms: 80, long_delay_ms: 2600, sent_under_long_delay: late }));
  });

  it('bit flips in transit: nothing corrupted accepted, no loss, no duplicates', async () => {
    await eventually(async () => (await alice.api.status()).peer_count === 1, 30_000, 'session back');
    const flipsBefore = toAlice.flips + toBob.flips;
    let armed = 0;
    await run('net-flip', 90, {
      concurrency: 3,
      onAccepted: (n) => {
        if (n % 6 !== 0) return;
        armed += 1;
        const proxy = armed % 2 === 0 ? toAlice : toBob;
        proxy.faults.flipNext = { direction: armed % 3 === 0 ? 'down' : 'up', minBytes: 40 };
      },
    }, () => ({ flips: toAlice.flips + toBob.flips - flipsBefore }));
    expect(toAlice.flips + toBob.flips - flipsBefore).toBeGreaterThan(0);
    expect(bob.child.exitCode).toBeNull();
    expect(alice.child.exitCode).toBeNull();
  });
});
