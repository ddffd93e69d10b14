import { afterAll, describe, expect, it } from 'vitest';
import { copyOf as copy, mailFor, queryDb as query, replayMail } from './support/host-reads.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';

/**
 * Edits, reactions and deletions that arrive more than once or out of
 * order: copies on a slow session and in the mailbox at once, changes that
 * overtake their message, and an old edit replayed after the deletion.
 * Each change is applied once, the newest wins, and nothing accepted is lost.
 */
describe('changes to messages out of order and repeated', () => {
  const net = new Testnet();
  const proxies: TcpProxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    await net.close();
  });

  /** alice and bob, where only bob can dial, and only through a proxy to alice. */
  async function pairThroughProxy(names: [string, string], connected: boolean) {
    const proxy = await TcpProxy.start();
    proxies.push(proxy);
    const alice = await net.start({ username: names[0], args: ['--advertise', `127.0.0.1:${proxy.port}`] });
    const bob = await net.start({ username: names[1], args: ['--advertise', '127.0.0.1:1'] });
    if (connected) proxy.targetPort = alice.info.peer_port;
    await alice.api.addFriend(names[1]);
    await bob.api.addFriend(names[0]);
    if (connected) await eventually(async () => (await alice.api.status()).peer_count === 1, 20_000, 'a session through the proxy');
    return { proxy, alice, bob, connect: () => (proxy.targetPort = alice.info.peer_port) };
  }

  it('a slow session: every change arrives live, resent, and through the mailbox, and is applied once', async () => {
    const { proxy, alice, bob } = await pairThroughProxy(['ann', 'ben'], true);
    const events = await bob.events();
    // Past the 2 s ack timeout: each item also goes to the mailbox and out again on the session.
    proxy.faults.delayMs = 2500;
    const sent = await alice.api.send('ben', 'meet at the statue');
    expect(sent.status).toBe('stored');
    await alice.api.editMessage(sent.msg_id, 'meet at the fountain');
    await alice.api.react(sent.msg_id, '📍');
    await eventually(
      () => query<{ kind: string; stored: number }>(alice, `SELECT kind, stored FROM outbox_items`).filter((i) => i.stored).length === 3,
      10_000,
      'all three sealed into the mailbox while in flight on the session',
    );
    await eventually(async () => (await copy(bob, 'ann', sent.msg_id))?.reactions.length === 1, 20_000, 'the reaction at ben');
    await alice.api.deleteMessage(sent.msg_id, { forEveryone: true });
    await eventually(async () => (await copy(bob, 'ann', sent.msg_id))?.deleted, 20_000, 'the deletion at ben');
    proxy.faults.delayMs = 0;
    await eventually(() => query(alice, `SELECT 1 FROM outbox_items`).length === 0, 20_000, 'everything confirmed');

    expect(events.of('new_message').filter((m) => m.msg_id === sent.msg_id)).toHaveLength(1);
    // Copies change nothing: each state is announced once (changes committed together, once for all), ending deleted.
    const states = events.of('message_updated').filter((m) => m.msg_id === sent.msg_id).map((m) => JSON.stringify([m.text, m.reactions, m.deleted]));
    expect(new Set(states).size).toBe(states.length);
    expect(states.at(-1)).toBe(JSON.stringify(['', [], true]));
    events.close();
  });

  it('changes that overtake their message through the mailbox wait for it and apply when it comes', async () => {
    const { alice, bob, connect } = await pairThroughProxy(['cat', 'dan'], false);
    // Control characters JSON escapes six bytes each: too large for an envelope, so it waits for a session.
    const big = await alice.api.send('dan', '\u0001'.repeat(16_000));
    expect(big.status).toBe('queued');
    await alice.api.editMessage(big.msg_id, 'sorry, pasted garbage');
    await alice.api.react(big.msg_id, '🙈');
    await eventually(() => query(bob, `SELECT 1 FROM early_changes WHERE peer = 'cat'`).length === 2, 20_000, 'both changes kept at dan');
    expect(await copy(bob, 'cat', big.msg_id)).toBeUndefined();

    const events = await bob.events();
    connect();
    const arrived = await events.waitFor('new_message', (m) => m.msg_id === big.msg_id, 30_000);
    expect(arrived).toMatchObject({ text: 'sorry, pasted garbage', reactions: [{ emoji: '🙈', from: 'cat' }] });
    expect(arrived.edited_at).not.toBeNull();
    expect(query(bob, `SELECT 1 FROM early_changes`)).toEqual([]);
    await eventually(() => query(alice, `SELECT 1 FROM outbox_items`).length === 0, 20_000, 'everything confirmed');
    events.close();
  });

  it('an old edit replayed from the mailbox after the deletion changes nothing', async () => {
    const eve = await net.start({ username: 'eve' });
    let fay = await net.start({ username: 'fay' });
    await net.befriend(eve, fay);
    await fay.stop();
    await eventually(async () => (await eve.api.status()).peer_count === 0, 10_000, 'session down');
    const sent = await eve.api.send('fay', 'version one');
    await eve.api.editMessage(sent.msg_id, 'version two');
    // What the mailbox holds now, kept to replay later.
    const mail = mailFor(net.directoryPath, 'fay');
    expect(mail.length).toBeGreaterThanOrEqual(2);

    fay = await net.restart(fay);
    await eventually(async () => (await copy(fay, 'eve', sent.msg_id))?.text === 'version two', 15_000, 'the edit at fay');
    await eve.api.deleteMessage(sent.msg_id, { forEveryone: true });
    await eventually(async () => (await copy(fay, 'eve', sent.msg_id))?.deleted, 15_000, 'the deletion at fay');
    const events = await fay.events();

    replayMail(net.directoryPath, mail, 'replay');
    await eventually(() => mailFor(net.directoryPath, 'fay').length === 0, 15_000, 'the replayed mail taken');

    expect(await copy(fay, 'eve', sent.msg_id)).toMatchObject({ text: '', deleted: true, edited_at: null });
    expect(events.of('message_updated')).toEqual([]);
    expect(events.of('new_message')).toEqual([]);
    events.close();
  });
});
