import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/contract.js';
import type { EventClient } from '../../testkit/event-client.js';
import { call, copyOf as copy, queryDb } from './support/host-reads.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';

/** What `host` still has to get confirmed by friends. */
const outboxKinds = (host: TestHost) => queryDb<{ kind: string }>(host, `SELECT kind FROM outbox_items ORDER BY seq`).map((r) => r.kind);

/** Replies, reactions, edits and deletion for everyone between two real hosts: the REST contract, live and through the mailbox. */
describe('richer messages', () => {
  const net = new Testnet();
  let alice: TestHost;
  let bob: TestHost;
  let aliceEvents: EventClient;
  let bobEvents: EventClient;

  beforeAll(async () => {
    alice = await net.start({ username: 'alice' });
    bob = await net.start({ username: 'bob' });
    await net.befriend(alice, bob);
    [aliceEvents, bobEvents] = await Promise.all([alice.events(), bob.events()]);
  });
  afterAll(async () => {
    aliceEvents?.close();
    bobEvents?.close();
    await net.close();
  });

  it('live: reply, react, edit and delete for everyone, each on both sides at once', async () => {
    const question = await bob.api.send('alice', 'Dinner at 7?');
    await aliceEvents.waitFor('new_message', (m) => m.msg_id === question.msg_id);
    const reply = await alice.api.send('bob', 'Make it 8', { replyTo: question.msg_id });
    expect(reply.delivered).toBe(true);
    const got = await bobEvents.waitFor('new_message', (m) => m.msg_id === reply.msg_id);
    expect(got).toMatchObject({ reply_to: question.msg_id, edited_at: null, deleted: false, reactions: [] });

    const reacted = await bob.api.react(reply.msg_id, '👍');
    expect(reacted.reactions).toEqual([{ emoji: '👍', from: 'bob' }]);
    const seen = await aliceEvents.waitFor('message_updated', (m) => m.msg_id === reply.msg_id && m.reactions.length === 1);
    expect(seen.reactions).toEqual([{ emoji: '👍', from: 'bob' }]);
    // One per person: another emoji replaces it; taking back a different one changes nothing.
    expect((await bob.api.react(reply.msg_id, '🎉')).reactions).toEqual([{ emoji: '🎉', from: 'bob' }]);
    expect((await bob.api.unreact(reply.msg_id, '👍')).reactions).toEqual([{ emoji: '🎉', from: 'bob' }]);
    expect((await alice.api.react(reply.msg_id, '😂')).reactions).toEqual([
      { emoji: '🎉', from: 'bob' },
      { emoji: '😂', from: 'alice' },
    ]);

    const edited = await alice.api.editMessage(reply.msg_id, 'Make it 8:30');
    expect(edited).toMatchObject({ text: 'Make it 8:30', reply_to: question.msg_id });
    await bobEvents.waitFor('message_updated', (m) => m.msg_id === reply.msg_id && m.text === 'Make it 8:30');
    expect(await copy(bob, 'alice', reply.msg_id)).toMatchObject({ text: 'Make it 8:30', edited_at: edited.edited_at });
    expect((await bob.api.search('8:30', { peer: 'alice' })).messages.map((m) => m.msg_id)).toEqual([reply.msg_id]);

    await alice.api.deleteMessage(reply.msg_id, { forEveryone: true });
    await bobEvents.waitFor('message_updated', (m) => m.msg_id === reply.msg_id && m.deleted);
    for (const [host, peer] of [[alice, 'bob'], [bob, 'alice']] as const) {
      expect(await copy(host, peer, reply.msg_id)).toMatchObject({ text: '', deleted: true, reactions: [], reply_to: null });
      expect((await host.api.search('8:30')).messages).toEqual([]);
    }
    // Deleting your own copy afterwards still works as before.
    await alice.api.deleteMessage(reply.msg_id);
    expect(await copy(alice, 'bob', reply.msg_id)).toBeUndefined();
    expect(await copy(bob, 'alice', reply.msg_id)).toMatchObject({ deleted: true });
  });

  it('REST: 404 unknown, 403 not yours, 400 not one emoji or bad text, 409 deleted', async () => {
    const theirs = await bob.api.send('alice', 'mine, not yours');
    await aliceEvents.waitFor('new_message', (m) => m.msg_id === theirs.msg_id);
    const ours = (await alice.api.send('bob', 'ours')).msg_id;
    const id = encodeURIComponent;
    const expectError = async (method: string, path: string, body: unknown, status: number, code: string) => {
      const { status: got, body: answer } = await call(alice, method, path, body);
      expect({ status: got, body: answer }, `${method} ${path}`).toEqual({ status, body: { error: expect.any(String), code } });
    };
    await expectError('POST', '/messages', { to: 'bob', text: 'x', reply_to: 'nope' }, 404, 'MESSAGE_NOT_FOUND');
    await expectError('PATCH', '/messages/nope', { text: 'x' }, 404, 'MESSAGE_NOT_FOUND');
    await expectError('PATCH', `/messages/${theirs.msg_id}`, { text: 'x' }, 403, 'NOT_YOUR_MESSAGE');
    await expectError('PATCH', `/messages/${ours}`, { text: ' ' }, 400, 'TEXT_EMPTY');
    await expectError('PATCH', `/messages/${ours}`, { text: 'x'.repeat(16_001) }, 400, 'TEXT_TOO_LONG');
    await expectError('PATCH', `/messages/${ours}`, {}, 400, 'BAD_REQUEST');
    await expectError('DELETE', `/messages/${theirs.msg_id}?for=everyone`, undefined, 403, 'NOT_YOUR_MESSAGE');
    await expectError('DELETE', '/messages/nope?for=everyone', undefined, 404, 'MESSAGE_NOT_FOUND');
    await expectError('DELETE', `/messages/${ours}?for=someone`, undefined, 400, 'BAD_REQUEST');
    for (const emoji of ['ok', '👍👍', '', ':)', '1']) {
      await expectError('POST', `/messages/${ours}/reactions`, { emoji }, 400, 'EMOJI_INVALID');
    }
    await expectError('DELETE', `/messages/${ours}/reactions/${id('a')}`, undefined, 400, 'EMOJI_INVALID');
    await expectError('POST', '/messages/nope/reactions', { emoji: '👍' }, 404, 'MESSAGE_NOT_FOUND');

    const ok = await call(alice, 'PATCH', `/messages/${ours}`, { text: 'ours, edited' });
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.body as Message).sort()).toEqual(
      ['attachments', 'deleted', 'delivered', 'delivery_method', 'direction', 'edited_at', 'from', 'msg_id', 'reactions', 'read', 'reply_to', 'status', 'text', 'timestamp', 'to'].sort(),
    );
    expect((await call(alice, 'POST', `/messages/${ours}/reactions`, { emoji: '👩‍👩‍👧‍👦' })).status).toBe(200);
    expect((await call(alice, 'DELETE', `/messages/${ours}/reactions/${id('👩‍👩‍👧‍👦')}`)).body.reactions).toEqual([]);
    expect((await call(alice, 'DELETE', `/messages/${ours}?for=everyone`)).status).toBe(204);
    expect((await call(alice, 'DELETE', `/messages/${ours}?for=everyone`)).status).toBe(204);
    await expectError('PATCH', `/messages/${ours}`, { text: 'back' }, 409, 'MESSAGE_DELETED');
    await expectError('POST', `/messages/${ours}/reactions`, { emoji: '👍' }, 409, 'MESSAGE_DELETED');
    await expectError('POST', '/messages', { to: 'bob', text: 'x', reply_to: ours }, 409, 'MESSAGE_DELETED');
    // A CORS preflight allows the new method.
    const preflight = await fetch(`${alice.apiUrl}/messages/${ours}`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
  });

  it('through the mailbox only (no session can form): every change arrives once, in order', async () => {
    // Neither can dial the other: everything goes through the directory's mailbox.
    const unreachable = { args: ['--advertise', '127.0.0.1:1'] };
    const carol = await net.start({ username: 'carol', ...unreachable });
    const dave = await net.start({ username: 'dave', ...unreachable });
    await carol.api.addFriend('dave');
    await dave.api.addFriend('carol');
    // Carol may use dave's mailbox once his capability reached her (through her introduction queue).
    await eventually(() => queryDb(carol, `SELECT 1 FROM grants_received WHERE peer = 'dave'`).length > 0, 20_000, "dave's grant at carol");
    const daveEvents = await dave.events();
    try {
      const first = await carol.api.send('dave', 'first draft');
      expect(first.status).toBe('stored');
      const second = await carol.api.send('dave', 'second message');
      const reply = await carol.api.send('dave', 'a reply', { replyTo: first.msg_id });
      await carol.api.editMessage(first.msg_id, 'final draft');
      await carol.api.react(reply.msg_id, '🙈');
      await carol.api.deleteMessage(second.msg_id, { forEveryone: true });
      await eventually(async () => (await copy(dave, 'carol', second.msg_id))?.deleted, 20_000, 'the deletion at dave');
      expect(await copy(dave, 'carol', first.msg_id)).toMatchObject({ text: 'final draft', delivery_method: 'offline' });
      expect(await copy(dave, 'carol', reply.msg_id)).toMatchObject({ reply_to: first.msg_id, reactions: [{ emoji: '🙈', from: 'carol' }] });
      expect(await copy(dave, 'carol', second.msg_id)).toMatchObject({ text: '', deleted: true });

      // And back: dave's reaction reaches carol the same way.
      await dave.api.react(first.msg_id, '👏');
      await eventually(async () => (await copy(carol, 'dave', first.msg_id))?.reactions.length === 1, 20_000, 'the reaction at carol');
      expect((await carol.api.status()).peer_count).toBe(0);
      // Each change shown once: no update announced twice for the same state.
      const states = daveEvents.of('message_updated').map((m) => JSON.stringify(m));
      expect(new Set(states).size).toBe(states.length);
    } finally {
      daveEvents.close();
    }
  });

  it('a friend who was away gets every change made meanwhile, once, and confirms all of it', async () => {
    const first = await alice.api.send('bob', 'first draft');
    const second = await alice.api.send('bob', 'second message');
    const fromBob = await bob.api.send('alice', 'react to me later');
    await aliceEvents.waitFor('new_message', (m) => m.msg_id === fromBob.msg_id);
    bobEvents.close();
    await bob.stop();
    await eventually(async () => (await alice.api.status()).peer_count === 0, 10_000, 'session down');

    const reply = await alice.api.send('bob', 'a reply while you are away', { replyTo: first.msg_id });
    expect(reply.status).toBe('stored');
    await alice.api.editMessage(first.msg_id, 'final draft');
    await alice.api.react(fromBob.msg_id, '❤️');
    await alice.api.deleteMessage(second.msg_id, { forEveryone: true });
    expect(outboxKinds(alice)).toEqual(['message', 'edit', 'reaction', 'delete']);

    bob = await net.restart(bob);
    bobEvents = await bob.events();
    await eventually(async () => (await copy(bob, 'alice', second.msg_id))?.deleted, 15_000, 'the deletion at bob');
    expect(await copy(bob, 'alice', first.msg_id)).toMatchObject({ text: 'final draft' });
    expect(await copy(bob, 'alice', reply.msg_id)).toMatchObject({ reply_to: first.msg_id, text: 'a reply while you are away' });
    expect(await copy(bob, 'alice', fromBob.msg_id)).toMatchObject({ reactions: [{ emoji: '❤️', from: 'alice' }] });
    expect(await copy(bob, 'alice', second.msg_id)).toMatchObject({ text: '', deleted: true });
    // Every change was confirmed (by ack or delivery receipt): alice's host has nothing left to offer.
    await eventually(() => outboxKinds(alice).length === 0, 15_000, 'an empty outbox at alice');
  });
});
