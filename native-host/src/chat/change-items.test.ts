import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/contract.js';
import type { ItemFrame } from '../peer/peer-protocol.js';
import { parseSearchQuery } from '../store/search-query.js';
import { receiver } from './test-receiver.js';
import { fastLimits, nextTick } from './test-support.js';
import { defined } from '../../../shared/defined.js';

/** bob's receive pipeline (test-receiver.ts) with helpers to send him frames and read what he shows. */
function rig(limits = fastLimits()) {
  const { store, events, transport, log, views, incoming } = receiver(limits);
  let n = 0;
  const frame = (kind: string, body: Record<string, unknown>, id = `${kind}-${++n}`): ItemFrame => ({ type: 'item', id, kind, body });
  /** Frames from one friend, arriving in one tick; returns the ids acked. */
  const receive = async (from: string, ...frames: ItemFrame[]) => {
    const before = transport.framesOf('ack').length;
    for (const f of frames) incoming.receive(from, f);
    await nextTick();
    return transport.framesOf('ack').slice(before).flatMap((ack) => ack.ids);
  };
  const message = (id: string, text: string, extra: Record<string, unknown> = {}) =>
    frame('message', { timestamp: new Date().toISOString(), text, ...extra }, id);
  const shown = (msgId: string): Message => views.one(defined(store.messages.get(msgId)));
  const updates = () => events.flatMap((e) => (e.event === 'message_updated' ? [e.data] : []));
  const found = (q: string) => store.search.search(parseSearchQuery(q, { maxLength: 100, maxTerms: 5 }), { limit: 5 }).rows.map((m) => m.msg_id);
  return { store, log, transport, frame, receive, message, shown, updates, events, found };
}

describe('edits, deletions and reactions from a friend', () => {
  it('applies an edit once; a repeat or an older version changes nothing and is still acked', async () => {
    const r = rig();
    await r.receive('alice', r.message('m1', 'helo'));
    const v2 = r.frame('edit', { msg_id: 'm1', text: 'hello!', version: 2, edited_at: '2026-06-15T10:02:00.000Z' });
    const v1 = r.frame('edit', { msg_id: 'm1', text: 'hello', version: 1, edited_at: '2026-06-15T10:01:00.000Z' });
    expect(await r.receive('alice', v2)).toEqual([v2.id]);
    expect(await r.receive('alice', v2, v1)).toEqual([v2.id, v1.id]);
    expect(r.shown('m1')).toMatchObject({ text: 'hello!', edited_at: '2026-06-15T10:02:00.000Z', deleted: false });
    expect(r.updates().map((m) => m.text)).toEqual(['hello!']);
    // The search index follows the text.
    expect(r.found('hello')).toEqual(['m1']);
    expect(r.found('helo')).toEqual([]);
  });

  it('deletes for everyone once, and ignores edits and reactions that come after', async () => {
    const r = rig();
    await r.receive('alice', r.message('m1', 'oops, wrong chat'));
    await r.receive('alice', r.frame('reaction', { msg_id: 'm1', emoji: '😮', version: 1 }));
    const del = r.frame('delete', { msg_id: 'm1' });
    const late = r.frame('edit', { msg_id: 'm1', text: 'back again', version: 5, edited_at: new Date().toISOString() });
    const react = r.frame('reaction', { msg_id: 'm1', emoji: '👍', version: 2 });
    expect(await r.receive('alice', del, del, late, react)).toEqual([del.id, del.id, late.id, react.id]);
    expect(r.shown('m1')).toMatchObject({ text: '', deleted: true, reactions: [], edited_at: null });
    expect(r.updates().map((m) => [m.deleted, m.reactions.length])).toEqual([[false, 1], [true, 0]]);
    expect(r.found('wrong')).toEqual([]);
  });

  it('keeps one reaction per person, the highest version winning in any order', async () => {
    const r = rig();
    await r.receive('alice', r.message('m1', 'lunch?'));
    await r.receive('alice', r.frame('reaction', { msg_id: 'm1', emoji: '🎉', version: 3 }));
    await r.receive('alice', r.frame('reaction', { msg_id: 'm1', emoji: '👍', version: 2 }));
    expect(r.shown('m1').reactions).toEqual([{ emoji: '🎉', from: 'alice' }]);
    await r.receive('alice', r.frame('reaction', { msg_id: 'm1', emoji: null, version: 4 }));
    expect(r.shown('m1').reactions).toEqual([]);
    // Bob's own message can carry alice's reaction too.
    r.store.messages.insertSent({ msg_id: 'mine', peer: 'alice', text: 'see you', timestamp: new Date().toISOString() });
    await r.receive('alice', r.frame('reaction', { msg_id: 'mine', emoji: '❤️', version: 1 }));
    expect(r.shown('mine').reactions).toEqual([{ emoji: '❤️', from: 'alice' }]);
  });

  it('refuses and logs changes to messages the sender did not write or that are in another chat', async () => {
    const r = rig();
    r.store.messages.insertSent({ msg_id: 'mine', peer: 'alice', text: 'my words', timestamp: new Date().toISOString() });
    await r.receive('carol', r.message('carols', 'from carol'));
    const edits = [
      r.frame('edit', { msg_id: 'mine', text: 'alice rewrote this', version: 1, edited_at: new Date().toISOString() }),
      r.frame('delete', { msg_id: 'mine' }),
      r.frame('edit', { msg_id: 'carols', text: 'alice rewrote carol', version: 1, edited_at: new Date().toISOString() }),
      r.frame('reaction', { msg_id: 'carols', emoji: '👎', version: 1 }),
    ];
    expect(await r.receive('alice', ...edits)).toEqual([]);
    expect(r.shown('mine')).toMatchObject({ text: 'my words', deleted: false });
    expect(r.shown('carols')).toMatchObject({ text: 'from carol', reactions: [] });
    expect(r.updates()).toEqual([]);
    expect(r.log.lines.map((l) => l.fields?.why)).toEqual([
      'edit of a message the sender did not write',
      'delete of a message the sender did not write',
      'edit of a message that is not in this chat',
      'reaction of a message that is not in this chat',
    ]);
  });

  it('leaves malformed changes unacked and logged, never applied', async () => {
    const r = rig();
    await r.receive('alice', r.message('m1', 'intact'));
    const bad = [
      r.frame('reaction', { msg_id: 'm1', emoji: 'ab', version: 1 }),
      r.frame('reaction', { msg_id: 'm1', emoji: '👍👍', version: 1 }),
      r.frame('reaction', { msg_id: 'm1', emoji: '👍', version: 0 }),
      r.frame('edit', { msg_id: 'm1', text: '', version: 1, edited_at: new Date().toISOString() }),
      r.frame('edit', { msg_id: 'm1', text: 'no version', edited_at: new Date().toISOString() }),
      r.frame('delete', { msg_id: 'not an id!' }),
    ];
    expect(await r.receive('alice', ...bad)).toEqual([]);
    expect(r.shown('m1')).toMatchObject({ text: 'intact', reactions: [], deleted: false });
    expect(r.log.lines.map((l) => l.fields?.why)).toEqual(Array(bad.length).fill('malformed'));
  });

  it('keeps changes that come before their message and applies them when it arrives', async () => {
    const r = rig();
    const at = new Date().toISOString();
    const early = [
      r.frame('edit', { msg_id: 'late', text: 'second thoughts', version: 2, edited_at: at }),
      r.frame('edit', { msg_id: 'late', text: 'first thoughts', version: 1, edited_at: at }),
      r.frame('reaction', { msg_id: 'late', emoji: '🙏', version: 1 }),
    ];
    expect(await r.receive('alice', ...early)).toEqual(early.map((f) => f.id));
    expect(r.store.earlyChanges.count('alice')).toBe(2);
    // carol cannot claim what alice's message will say.
    await r.receive('carol', r.frame('edit', { msg_id: 'late', text: 'carol was here', version: 9, edited_at: at }));
    await r.receive('alice', r.message('late', 'original'));
    const arrived = defined(r.events.find((e) => e.event === 'new_message')).data as Message;
    expect(arrived).toMatchObject({ msg_id: 'late', text: 'second thoughts', edited_at: at, reactions: [{ emoji: '🙏', from: 'alice' }] });
    expect(r.shown('late')).toEqual(arrived);
    expect(r.store.earlyChanges.count('alice')).toBe(0);
    expect(r.store.earlyChanges.count('carol')).toBe(1);

    // A deletion that came first wins over everything else kept.
    await r.receive('alice', r.frame('delete', { msg_id: 'gone' }), r.frame('edit', { msg_id: 'gone', text: 'x', version: 1, edited_at: at }));
    await r.receive('alice', r.message('gone', 'never seen'));
    expect(r.shown('gone')).toMatchObject({ text: '', deleted: true });
  });

  it('keeps at most maxEarlyChanges per friend, for earlyChangeTtlMs; beyond that drops them without error', async () => {
    const r = rig(fastLimits({ maxEarlyChanges: 2, earlyChangeTtlMs: 60_000 }));
    const reactions = ['a', 'b', 'c'].map((id) => r.frame('reaction', { msg_id: id, emoji: '👍', version: 1 }));
    expect(await r.receive('alice', ...reactions)).toEqual(reactions.map((f) => f.id));
    expect(r.store.earlyChanges.count('alice')).toBe(2);
    expect(r.log.lines.map((l) => [l.message, l.fields?.msg_id])).toEqual([['dropped a change to a message that has not arrived', 'c']]);
    await r.receive('alice', r.message('c', 'arrives without its reaction'));
    expect(r.shown('c').reactions).toEqual([]);
    // Kept changes expire.
    r.store.db.prepare(`UPDATE early_changes SET received_at = received_at - 120000`).run();
    await r.receive('alice', r.frame('reaction', { msg_id: 'd', emoji: '👍', version: 1 }));
    expect(r.store.earlyChanges.count('alice')).toBe(1);
  });
});
