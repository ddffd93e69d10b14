import { afterAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/tcp-proxy.js';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import { fullHistory } from './support/tally.js';

// Bytes bob sends up a session he dials before his first transport frame:
// Noise message 1 (4 + 32) and message 3 (4 + 48 + identity proof of 'bob' (101) + 16).
const HANDSHAKE_UP_BYTES = 36 + 169;

/**
 * A delivery receipt lost on the wire. Bob takes alice's mail, commits it and
 * sends the receipt; the connection is cut mid-frame, so the receipt never
 * arrives. Alice must still learn it: on the next session she sends her
 * unconfirmed mailbox messages directly again, and bob dedups and acks.
 */
describe('a delivery receipt cut on the wire', () => {
  const net = new Testnet();
  let proxy: TcpProxy;
  afterAll(async () => {
    await proxy?.close();
    await net.close();
  });

  it('the sender still ends with the message delivered', async () => {
    proxy = await TcpProxy.start();
    // Only bob dials (alice cannot reach him), and always through the proxy.
    const alice = await net.start({ username: 'alice', args: ['--advertise', `127.0.0.1:${proxy.port}`] });
    proxy.targetPort = alice.info.peer_port;
    let bob = await net.start({ username: 'bob', args: ['--advertise', '127.0.0.1:1'] });
    await alice.api.addFriend('bob');
    await bob.api.addFriend('alice');
    await eventually(async () => (await alice.api.status()).peer_count === 1, 20_000, 'session');
    await bob.stop();
    await eventually(async () => (await alice.api.status()).peer_count === 0, 20_000, 'session down');
    const sent = await alice.api.send('bob', 'receipt, please');
    expect(sent.status).toBe('stored');

    // The next connection bob dials is cut inside his first frame after the handshake: the receipt.
    const firstNew = proxy.connectionIds().length + 1;
    proxy.faults.cutAfterBytes = HANDSHAKE_UP_BYTES + 8;
    bob = await net.restart(bob, { args: ['--advertise', '127.0.0.1:1'] });
    await eventually(() => proxy.stream('up', firstNew).length > HANDSHAKE_UP_BYTES, 20_000, 'bob sent a frame after the handshake');
    proxy.faults.cutAfterBytes = null;
    // The frame was longer than what got through: it was cut mid-frame.
    expect(proxy.stream('up', firstNew).length).toBeGreaterThan(HANDSHAKE_UP_BYTES + 8);
    expect((await fullHistory(bob, 'alice')).filter((m) => m.msg_id === sent.msg_id)).toHaveLength(1);

    // A new session comes up; the receipt should follow on it.
    await eventually(async () => (await alice.api.status()).peer_count === 1, 20_000, 'session again');
    await eventually(
      async () => (await fullHistory(alice, 'bob')).find((m) => m.msg_id === sent.msg_id)?.delivered,
      15_000,
      'alice sees the message delivered',
    );
  });
});
