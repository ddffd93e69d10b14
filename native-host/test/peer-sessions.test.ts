import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

/** Direct delivery over Noise sessions between real hosts on loopback. */
describe('peer sessions', () => {
  const net = new Testnet();
  let alice: TestHost;
  let bob: TestHost;

  beforeAll(async () => {
    alice = await net.start({ username: 'alice' });
    bob = await net.start({ username: 'bob' });
    await net.befriend(alice, bob);
  });
  afterAll(() => net.close());

  it('delivers directly with an ack: delivered:true, and the recipient gets new_message', async () => {
    const events = await bob.events();
    const result = await alice.api.send('bob', 'hello bob');
    expect(result).toMatchObject({ delivered: true, delivery_method: 'direct', status: 'delivered' });
    const received = await events.waitFor('new_message', (m) => m.msg_id === result.msg_id);
    expect(received).toMatchObject({ from: 'alice', to: 'bob', text: 'hello bob', direction: 'received', delivered: true, delivery_method: 'direct' });
    const history = await bob.api.messages('alice');
    expect(history.messages.filter((m) => m.msg_id === result.msg_id)).toHaveLength(1);
    events.close();
  });

  it('peer_count and friends_online reflect the live session on both sides', async () => {
    for (const host of [alice, bob]) {
      const status = await host.api.status();
      expect(status.peer_count).toBe(1);
      expect(status.friends_online).toBe(1);
    }
    expect(defined((await alice.api.friends())[0]).online).toBe(true);
  });

  it('relays typing both ways and clears it', async () => {
    const [aliceEvents, bobEvents] = await Promise.all([alice.events(), bob.events()]);
    aliceEvents.send({ event: 'typing', data: { to: 'bob', typing: true } });
    await bobEvents.waitFor('typing', (t) => t.username === 'alice' && t.typing);
    bobEvents.send({ event: 'typing', data: { to: 'alice', typing: true } });
    await aliceEvents.waitFor('typing', (t) => t.username === 'bob' && t.typing);
    aliceEvents.send({ event: 'typing', data: { to: 'bob', typing: false } });
    await bobEvents.waitFor('typing', (t) => t.username === 'alice' && !t.typing);
    aliceEvents.close();
    bobEvents.close();
  });

  it('clears a typing indicator by itself when the typist goes quiet', async () => {
    const bobEvents = await bob.events();
    const aliceEvents = await alice.events();
    aliceEvents.send({ event: 'typing', data: { to: 'bob', typing: true } });
    await bobEvents.waitFor('typing', (t) => t.typing);
    const cleared = Date.now();
    await bobEvents.waitFor('typing', (t) => !t.typing, 8000);
    expect(Date.now() - cleared).toBeGreaterThan(3000);
    aliceEvents.close();
    bobEvents.close();
  });

  it('sends read receipts back: the sender sees status read', async () => {
    const aliceEvents = await alice.events();
    const bobEvents = await bob.events();
    const first = await alice.api.send('bob', 'read me 1');
    const second = await alice.api.send('bob', 'read me 2');
    await bobEvents.waitFor('new_message', (m) => m.msg_id === second.msg_id);
    bobEvents.send({ event: 'mark_read', data: { peer: 'alice', msg_id: second.msg_id } });
    for (const { msg_id } of [first, second]) {
      await aliceEvents.waitFor('message_status', (s) => s.msg_id === msg_id && s.status === 'read');
    }
    const mine = await alice.api.messages('bob');
    expect(mine.messages.filter((m) => m.text.startsWith('read me')).every((m) => m.status === 'read' && m.read)).toBe(true);
    const theirs = await bob.api.messages('alice');
    expect(theirs.messages.filter((m) => m.text.startsWith('read me')).every((m) => m.read)).toBe(true);
    aliceEvents.close();
    bobEvents.close();
  });

  it('survives the friend restarting mid-conversation: no message lost or doubled', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 5; i++) sent.push((await alice.api.send('bob', `before ${i}`)).msg_id);
    await bob.stop();
    for (let i = 0; i < 5; i++) sent.push((await alice.api.send('bob', `during ${i}`)).msg_id);
    bob = await net.restart(bob);
    for (let i = 0; i < 5; i++) sent.push((await alice.api.send('bob', `after ${i}`)).msg_id);
    await eventually(async () => {
      const history = await bob.api.messages('alice', { limit: 200 });
      const ids = history.messages.map((m) => m.msg_id);
      return sent.every((id) => ids.includes(id));
    }, 20_000, 'every message at bob');
    const history = await bob.api.messages('alice', { limit: 200 });
    const ids = history.messages.map((m) => m.msg_id);
    expect(new Set(ids).size).toBe(ids.length);
    await eventually(async () => {
      const mine = await alice.api.messages('bob', { limit: 200 });
      return mine.messages.filter((m) => sent.includes(m.msg_id)).every((m) => m.delivered);
    }, 20_000, 'every message delivered at alice');
    await eventually(async () => (await alice.api.status()).peer_count === 1, 10_000, 'session back');
  });
});

describe('simultaneous dial', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('ends with exactly one session when both sides dial at once', async () => {
    const [carol, dave] = await Promise.all([net.start({ username: 'carol' }), net.start({ username: 'dave' })]);
    await Promise.all([carol.api.addFriend('dave'), dave.api.addFriend('carol')]);
    await eventually(async () => (await carol.api.status()).peer_count === 1 && (await dave.api.status()).peer_count === 1, 10_000, 'sessions');
    // Let any duplicate settle, then check both still agree on one session that works.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await carol.api.status()).peer_count).toBe(1);
    expect((await dave.api.status()).peer_count).toBe(1);
    const a = await carol.api.send('dave', 'one');
    const b = await dave.api.send('carol', 'two');
    expect(a.delivered && b.delivered).toBe(true);
  });
});
