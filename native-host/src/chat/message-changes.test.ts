import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/contract.js';
import { isParleyError, type ErrorCode } from '../errors.js';
import { GRANT_KIND } from './capabilities.js';
import { directoryFile, friends, type Node } from './test-pair.js';

const updates = (n: Node) => n.events.flatMap((e) => (e.event === 'message_updated' ? [e.data] : []));
const mine = (n: Node, peer: string, msgId: string): Message | undefined =>
  n.messenger.messages(peer, { limit: 50, offset: 0 }).messages.find((m) => m.msg_id === msgId);
/** The kinds of items waiting for `peer`, besides the capabilities every new friendship sends. */
const outboxKinds = (n: Node, peer: string) =>
  n.store.outbox
    .after(peer, 0, 100)
    .map((item) => item.kind)
    .filter((kind) => kind !== GRANT_KIND);

async function refused(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(promise).rejects.toSatisfy((err) => isParleyError(err, code));
}

describe('our changes to messages', () => {
  it('live: an edit, a reaction and a deletion reach the friend at once, and each side announces them', async () => {
    const { alice, bob, session } = await friends(directoryFile());
    session.up();
    const sent = await alice.messenger.send('bob', 'see you at 5');
    const edited = await alice.messenger.edit(sent.msg_id, 'see you at 6');
    expect(edited).toMatchObject({ text: 'see you at 6', deleted: false });
    expect(edited.edited_at).not.toBeNull();
    await expect.poll(() => mine(bob, 'alice', sent.msg_id)?.text, { interval: 5 }).toBe('see you at 6');
    expect(mine(bob, 'alice', sent.msg_id)?.edited_at).toBe(edited.edited_at);

    const reacted = await bob.messenger.react(sent.msg_id, '👍');
    expect(reacted.reactions).toEqual([{ emoji: '👍', from: 'bob' }]);
    await expect.poll(() => mine(alice, 'bob', sent.msg_id)?.reactions, { interval: 5 }).toEqual([{ emoji: '👍', from: 'bob' }]);

    await alice.messenger.deleteForEveryone(sent.msg_id);
    expect(mine(alice, 'bob', sent.msg_id)).toMatchObject({ text: '', deleted: true, reactions: [] });
    await expect.poll(() => mine(bob, 'alice', sent.msg_id)?.deleted, { interval: 5 }).toBe(true);
    expect(mine(bob, 'alice', sent.msg_id)).toMatchObject({ text: '', reactions: [], edited_at: null });
    // Every change was confirmed: nothing left to send either way.
    await expect.poll(() => [outboxKinds(alice, 'bob'), outboxKinds(bob, 'alice')], { interval: 5 }).toEqual([[], []]);
    expect(updates(alice).map((m) => [m.text, m.reactions.length, m.deleted])).toEqual([
      ['see you at 6', 0, false],
      ['see you at 6', 1, false],
      ['', 0, true],
    ]);
    expect(updates(bob).map((m) => [m.text, m.reactions.length, m.deleted])).toEqual([
      ['see you at 6', 0, false],
      ['see you at 6', 1, false],
      ['', 0, true],
    ]);
  });

  it('offline: only the newest edit and reaction wait in the outbox, and the mailbox brings the friend the final state', async () => {
    const { alice, bob } = await friends(directoryFile());
    // Bob's grant waits in alice's introduction queue: with it her items may go into his mailbox.
    alice.messenger.start();
    await expect.poll(() => alice.store.grants.received('bob'), { interval: 5 }).toBeTruthy();
    const sent = await alice.messenger.send('bob', 'draft 1');
    await alice.messenger.edit(sent.msg_id, 'draft 2');
    await alice.messenger.edit(sent.msg_id, 'draft 3');
    await alice.messenger.react(sent.msg_id, '🎉');
    await alice.messenger.react(sent.msg_id, '🔥');
    expect(outboxKinds(alice, 'bob')).toEqual(['message', 'edit', 'reaction']);
    const other = await alice.messenger.send('bob', 'take this back');
    await alice.messenger.edit(other.msg_id, 'take this back!');
    await alice.messenger.deleteForEveryone(other.msg_id);
    // The deletion makes the edit moot; the message itself already went to the mailbox.
    expect(outboxKinds(alice, 'bob')).toEqual(['message', 'edit', 'reaction', 'message', 'delete']);

    bob.messenger.start();
    await expect.poll(() => mine(bob, 'alice', other.msg_id)?.deleted, { interval: 5 }).toBe(true);
    expect(mine(bob, 'alice', sent.msg_id)).toMatchObject({ text: 'draft 3', reactions: [{ emoji: '🔥', from: 'alice' }] });
    expect(mine(bob, 'alice', other.msg_id)).toMatchObject({ text: '', deleted: true });
  });

  it('replies quote a message of the same chat', async () => {
    const { alice, bob, session } = await friends(directoryFile());
    session.up();
    const question = await bob.messenger.send('alice', 'pizza or sushi?');
    await expect.poll(() => mine(alice, 'bob', question.msg_id), { interval: 5 }).toBeDefined();
    const answer = await alice.messenger.send('bob', 'sushi', { replyTo: question.msg_id });
    expect(mine(alice, 'bob', answer.msg_id)?.reply_to).toBe(question.msg_id);
    await expect.poll(() => mine(bob, 'alice', answer.msg_id)?.reply_to, { interval: 5 }).toBe(question.msg_id);

    await refused(alice.messenger.send('bob', 'to nothing', { replyTo: 'no-such-message' }), 'MESSAGE_NOT_FOUND');
    await bob.messenger.deleteForEveryone(question.msg_id);
    await expect.poll(() => mine(alice, 'bob', question.msg_id)?.deleted, { interval: 5 }).toBe(true);
    await refused(alice.messenger.send('bob', 'to a deleted one', { replyTo: question.msg_id }), 'MESSAGE_DELETED');
  });

  it('refuses changes to the friend’s messages, to deleted ones and to unknown ones; repeats change nothing', async () => {
    const { alice, bob, session } = await friends(directoryFile());
    session.up();
    const theirs = await bob.messenger.send('alice', 'my words');
    await expect.poll(() => mine(alice, 'bob', theirs.msg_id), { interval: 5 }).toBeDefined();
    await refused(alice.messenger.edit(theirs.msg_id, 'your words'), 'NOT_YOUR_MESSAGE');
    await refused(alice.messenger.deleteForEveryone(theirs.msg_id), 'NOT_YOUR_MESSAGE');
    await refused(alice.messenger.edit('no-such-message', 'x'), 'MESSAGE_NOT_FOUND');
    await refused(alice.messenger.react('no-such-message', '👍'), 'MESSAGE_NOT_FOUND');
    await refused(alice.messenger.edit(theirs.msg_id, '   '), 'NOT_YOUR_MESSAGE');

    const ours = await alice.messenger.send('bob', 'same text');
    await refused(alice.messenger.edit(ours.msg_id, '  '), 'TEXT_EMPTY');
    const before = updates(alice).length;
    expect((await alice.messenger.edit(ours.msg_id, 'same text')).edited_at).toBeNull();
    await alice.messenger.react(ours.msg_id, '👍');
    await alice.messenger.react(ours.msg_id, '👍');
    expect((await alice.messenger.unreact(ours.msg_id, '🎉')).reactions).toEqual([{ emoji: '👍', from: 'alice' }]);
    expect(updates(alice).length - before).toBe(1);
    expect((await alice.messenger.unreact(ours.msg_id, '👍')).reactions).toEqual([]);

    await alice.messenger.deleteForEveryone(ours.msg_id);
    await alice.messenger.deleteForEveryone(ours.msg_id);
    await refused(alice.messenger.edit(ours.msg_id, 'revived'), 'MESSAGE_DELETED');
    await refused(alice.messenger.react(ours.msg_id, '👍'), 'MESSAGE_DELETED');
    expect(updates(alice).filter((m) => m.deleted)).toHaveLength(1);
  });
});
