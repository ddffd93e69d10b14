import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from './support/tcp-proxy.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

/**
 * What crosses the wire between two hosts, recorded by a proxy that bob
 * advertises: no plaintext, no replay, no tampering accepted.
 */
describe('peer wire security', () => {
  const testnet = new Testnet();
  // Each host advertises a recording proxy, so whichever side dials, the session crosses one.
  let toAlice: TcpProxy;
  let toBob: TcpProxy;
  let alice: TestHost;
  let bob: TestHost;
  const secret = 'the eagle lands at midnight';
  const wire = () => Buffer.concat([toAlice.stream('up'), toAlice.stream('down'), toBob.stream('up'), toBob.stream('down')]);

  beforeAll(async () => {
    [toAlice, toBob] = await Promise.all([TcpProxy.start(), TcpProxy.start()]);
    alice = await testnet.start({ username: 'alice', args: ['--advertise', `127.0.0.1:${toAlice.port}`] });
    bob = await testnet.start({ username: 'bob', args: ['--advertise', `127.0.0.1:${toBob.port}`] });
    toAlice.targetPort = alice.info.peer_port;
    toBob.targetPort = bob.info.peer_port;
    await bob.api.addFriend('alice');
    await alice.api.addFriend('bob');
    await eventually(async () => (await alice.api.status()).peer_count === 1, 10_000, 'session through a proxy');
  });
  afterAll(async () => {
    await Promise.all([toAlice.close(), toBob.close()]);
    await testnet.close();
  });

  it('never carries message text, usernames or JSON in clear', async () => {
    const before = wire().length;
    const result = await alice.api.send('bob', secret);
    expect(result.delivered).toBe(true);
    await bob.api.send('alice', `${secret} (reply)`);
    const bytes = wire();
    expect(bytes.length - before).toBeGreaterThan(2 * secret.length);
    // Needles long enough that random ciphertext can't contain them by chance
    // (a 2-byte '{"' turns up in ~15 % of 10 KB of random bytes).
    for (const needle of [secret, 'eagle', 'alice', '"bob"', '{"type"', '"msg_id"', '"text"', result.msg_id]) {
      expect(bytes.includes(Buffer.from(needle)), `wire contains ${needle}`).toBe(false);
    }
  });

  it('a replayed recording adds nothing', async () => {
    const before = (await bob.api.messages('alice', { limit: 500 })).total;
    for (const [proxy, target] of [[toBob, bob], [toAlice, alice]] as const) {
      for (const id of proxy.connectionIds()) {
        const recording = proxy.stream('up', id);
        const socket = net.connect({ host: '127.0.0.1', port: target.info.peer_port });
        socket.on('connect', () => socket.write(recording));
        socket.on('error', () => undefined);
        socket.resume();
        await new Promise<void>((resolve) => {
          socket.on('close', () => resolve());
          setTimeout(() => socket.destroy(), 1500);
        });
      }
    }
    expect((await bob.api.messages('alice', { limit: 500 })).total).toBe(before);
    expect((await alice.api.messages('bob', { limit: 500 })).total).toBe(before);
    expect((await bob.api.status()).peer_count).toBe(1);
  });

  it('rejects a flipped bit in transit and still delivers the message intact, once', async () => {
    const events = await bob.events();
    // alice → bob is "up" through bob's proxy and "down" through alice's: arm both, one fires.
    toBob.faults.flipNext = { direction: 'up', minBytes: 60 };
    toAlice.faults.flipNext = { direction: 'down', minBytes: 60 };
    const text = 'tampered in transit but intact at the end';
    const result = await alice.api.send('bob', text);
    toBob.faults.flipNext = toAlice.faults.flipNext = null;
    expect(toBob.flips + toAlice.flips).toBeGreaterThanOrEqual(1);
    await eventually(async () => (await bob.api.messages('alice', { limit: 500 })).messages.some((m) => m.msg_id === result.msg_id), 20_000, 'redelivery');
    const copies = (await bob.api.messages('alice', { limit: 500 })).messages.filter((m) => m.msg_id === result.msg_id);
    expect(copies).toHaveLength(1);
    expect(defined(copies[0]).text).toBe(text);
    const shown = events.of('new_message').filter((m) => m.msg_id === result.msg_id);
    expect(shown).toHaveLength(1);
    expect(defined(shown[0]).text).toBe(text);
    expect(bob.stderr).toMatch(/bad frame/);
    events.close();
  });
});

describe('garbage on the peer port', () => {
  const testnet = new Testnet();
  afterAll(() => testnet.close());

  const hit = (port: number, bytes: Buffer, holdMs = 4500) =>
    new Promise<'closed' | 'open'>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
      const timer = setTimeout(() => {
        socket.destroy();
        resolve('open');
      }, holdMs);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve('closed');
      });
      socket.on('error', () => undefined);
      // Read (and drop) whatever the host answers, so its FIN is seen.
      socket.resume();
    });

  it('closes bad connections and keeps serving and delivering', async () => {
    // The handshake timeout is longer than the stall timeout, so the trickle below is closed for stalling.
    const limits = ['--limit', 'handshakeTimeoutMs=2500', '--limit', 'frameStallTimeoutMs=800'];
    const carol = await testnet.start({ username: 'carol', args: limits });
    const dave = await testnet.start({ username: 'dave' });
    await carol.api.addFriend('dave');
    await dave.api.addFriend('carol');
    await eventually(async () => (await dave.api.status()).peer_count === 1, 10_000, 'session');
    const port = carol.info.peer_port;
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0xfffffff0);
    const half = Buffer.concat([Buffer.from([0, 0, 0, 100]), Buffer.alloc(10, 7)]);
    let seed = 7;
    const random = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) & 0xff)));
    const cases = [
      random,
      huge,
      Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
      half,
      Buffer.from([0, 0, 0, 32, ...Buffer.alloc(32, 1)]),
      Buffer.alloc(0),
    ];
    const outcomes = await Promise.all(cases.map((bytes) => hit(port, bytes)));
    expect(outcomes).toEqual(cases.map(() => 'closed'));
    // A peer trickling a byte at a time is still stalled mid-frame.
    const trickle = net.connect({ host: '127.0.0.1', port });
    trickle.on('error', () => undefined);
    trickle.resume();
    const started = Date.now();
    const ticker = setInterval(() => trickle.write(Buffer.from([0])), 150);
    trickle.write(Buffer.from([0, 0, 0, 200]));
    await new Promise<void>((resolve) => trickle.on('close', () => resolve()));
    clearInterval(ticker);
    expect(Date.now() - started).toBeLessThan(2000);

    const result = await dave.api.send('carol', 'still delivering');
    expect(result.delivered).toBe(true);
    expect((await carol.api.status()).peer_count).toBe(1);
    expect(carol.child.exitCode).toBeNull();
  });
});
