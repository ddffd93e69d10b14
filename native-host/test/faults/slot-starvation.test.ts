import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import { SlotHog } from './support/slot-hog.js';
import { report, tally } from './support/tally.js';

const IDLE = 150;
/** The hog opens a new connection this long after the host closed one. */
const REOPEN_MS = 1000;
/** Well inside the handshake timeout (10 s), which is all that freed a slot before per-address caps. */
const WITHIN_MS = 5000;

/**
 * One address opens 150 connections to bob's peer port and sits on them,
 * sending nothing, reopening any the host closes. Bob's friend alice must
 * still get a session through bob's listener (she advertises a port nobody
 * listens on, so bob cannot dial her instead). Prints alice's time to a
 * session: without the hog, with it on another address, and on her own
 * (where only the hog's connections having sent nothing keeps hers, which
 * is handshaking, from being the one closed).
 */
describe('one address holding 150 idle connections on the peer port', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('keeps no friend out: a friend from another address gets a session as fast as without it', async () => {
    const aliceArgs = { username: 'alice', args: ['--advertise', '127.0.0.1:1'] };
    let alice = await net.start(aliceArgs);
    const bob = await net.start({ username: 'bob' });
    await alice.api.addFriend('bob');
    await bob.api.addFriend('alice');
    await eventually(async () => (await bob.api.status()).peer_count === 1, 10_000, 'first session');

    /** Restarts alice and times her host from ready to a session with bob, open on both sides. */
    const timeToSession = async (): Promise<number> => {
      await alice.stop();
      await eventually(async () => (await bob.api.status()).peer_count === 0, 10_000, 'bob to see alice gone');
      alice = await net.restart(alice, aliceArgs);
      const ready = Date.now();
      await eventually(
        async () => (await bob.api.status()).peer_count === 1 && (await alice.api.status()).peer_count === 1,
        30_000,
        'alice to get a session',
      );
      return Date.now() - ready;
    };

    const withHog = async (localAddress: string) => {
      const hog = await SlotHog.start(bob.info.peer_port, IDLE, { localAddress, reopenMs: REOPEN_MS });
      try {
        await new Promise((r) => setTimeout(r, REOPEN_MS + 500));
        const ms = await timeToSession();
        return { ms, hog };
      } finally {
        hog.stop();
      }
    };

    const baselineMs = await timeToSession();
    const other = await withHog('127.0.0.2');
    const same = await withHog('127.0.0.1');

    const sent = await alice.api.send('bob', 'made it through');
    const received = (await bob.api.messages('alice')).messages.filter((m) => m.text === 'made it through');
    const t = tally(new Map([[sent.msg_id, { text: 'made it through', result: sent }]]), received);
    report('slot-starvation', t, {
      idle_connections: IDLE,
      baseline_time_to_session_ms: baselineMs,
      other_address_time_to_session_ms: other.ms,
      same_address_time_to_session_ms: same.ms,
      hog_connections_opened: other.hog.opened + same.hog.opened,
      hog_connections_closed_by_host: other.hog.closedByHost + same.hog.closedByHost,
    });

    expect(other.ms).toBeLessThan(WITHIN_MS);
    expect(same.ms).toBeLessThan(WITHIN_MS);
    // The host made room rather than letting the idle connections sit until their handshake timeout.
    expect(other.hog.closedByHost).toBeGreaterThan(IDLE - 64);
    expect(sent.delivered).toBe(true);
    expect(bob.child.exitCode).toBeNull();
    await alice.stop();
  });
});

