import { afterEach, describe, expect, it, vi } from 'vitest';
import { contact, message } from '../test-support/fake-host.js';
import { setupStores } from '../test-support/setup-stores.js';
import { TYPING_CLEAR_MS } from '../../shared/typing.js';
import { defined } from '../../shared/defined.js';

afterEach(() => vi.useRealTimers());

function withBob() {
  const s = setupStores();
  s.host.friends = [contact('bob')];
  return s;
}

describe('chat store', () => {
  it('shows a sent message at once and swaps in the host msg_id', async () => {
    const { chat, host } = withBob();
    host.holdSends = true;
    host.sendResult = { status: 'delivered', delivered: true, delivery_method: 'direct' };
    const sending = chat.send('bob', 'hello');
    const [optimistic] = chat.conversation('bob').messages;
    expect(optimistic).toMatchObject({ text: 'hello', local: 'sending', status: 'queued', direction: 'sent' });
    await vi.waitFor(() => expect(host.requests).toContain('POST /messages'));
    host.releaseSends();
    await expect(sending).resolves.toBe(true);
    const msgs = chat.conversation('bob').messages;
    expect(msgs).toHaveLength(1);
    expect(defined(msgs[0]).msg_id).toMatch(/^m\d+$/);
    expect(msgs[0]).toMatchObject({ status: 'delivered', delivery_method: 'direct' });
    expect(defined(msgs[0]).local).toBeUndefined();
  });

  it('applies a status event that beat the send response, and never doubles the bubble', async () => {
    const { chat, host, ws } = withBob();
    host.holdSends = true;
    const sending = chat.send('bob', 'hi');
    await vi.waitFor(() => expect(host.history.get('bob')).toHaveLength(1));
    const id = defined(defined(host.history.get('bob'))[0]).msg_id;
    ws.emit('message_status', { msg_id: id, peer: 'bob', delivered: true, delivery_method: 'direct', status: 'read' });
    host.releaseSends();
    await sending;
    const msgs = chat.conversation('bob').messages;
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ msg_id: id, status: 'read', delivered: true });
    // The same message showing up again (history reload) stays single.
    await chat.loadLatest('bob');
    expect(chat.conversation('bob').messages.map((m) => m.msg_id)).toEqual([id]);
  });

  it('never moves a message back when a late status event arrives', async () => {
    const { chat, host, ws } = withBob();
    host.sendResult = { status: 'delivered', delivered: true, delivery_method: 'direct' };
    await chat.send('bob', 'hi');
    const id = defined(chat.conversation('bob').messages[0]).msg_id;
    ws.emit('message_status', { msg_id: id, peer: 'bob', delivered: false, delivery_method: 'offline', status: 'stored' });
    expect(chat.conversation('bob').messages[0]).toMatchObject({ status: 'delivered', delivery_method: 'direct' });
    ws.emit('message_status', { msg_id: id, peer: 'bob', delivered: true, delivery_method: 'direct', status: 'read' });
    expect(chat.conversation('bob').messages[0]).toMatchObject({ status: 'read' });
  });

  it('marks a refused send failed and retries it', async () => {
    const { chat, host } = withBob();
    host.friends = [];
    await expect(chat.send('bob', 'x')).resolves.toBe(false);
    const m = defined(chat.conversation('bob').messages[0]);
    expect(m.local).toBe('failed');
    expect(m.error).toContain('not found in friends list');
    host.friends = [contact('bob')];
    await expect(chat.retry('bob', m.msg_id)).resolves.toBe(true);
    expect(defined(chat.conversation('bob').messages[0]).local).toBeUndefined();
  });

  it('ignores a duplicate incoming message', () => {
    const { chat, ws, contacts } = withBob();
    const m = message('bob');
    ws.emit('new_message', m);
    ws.emit('new_message', m);
    expect(chat.conversation('bob').messages).toHaveLength(1);
    expect(contacts.unread.bob).toBe(1);
  });

  it('prepends older pages and keeps has_more', async () => {
    const { chat, host } = withBob();
    // Read already: an all-unread chat opens further up, where its unread messages start.
    const all = Array.from({ length: 120 }, () => message('bob', { read: true }));
    host.history.set('bob', all);
    chat.open('bob');
    await vi.waitFor(() => expect(chat.conversation('bob').state).toBe('ready'));
    let c = chat.conversation('bob');
    expect(c.messages).toHaveLength(50);
    expect(defined(c.messages[0]).msg_id).toBe(defined(all[70]).msg_id);
    expect(c.hasMore).toBe(true);
    await expect(chat.loadOlder('bob')).resolves.toBe(50);
    c = chat.conversation('bob');
    expect(c.messages).toHaveLength(100);
    expect(defined(c.messages[0]).msg_id).toBe(defined(all[20]).msg_id);
    expect(host.requests.at(-1)).toContain(`before=${defined(all[70]).msg_id}`);
    await chat.loadOlder('bob');
    c = chat.conversation('bob');
    expect(c.messages.map((m) => m.msg_id)).toEqual(all.map((m) => m.msg_id));
    expect(c.hasMore).toBe(false);
    await expect(chat.loadOlder('bob')).resolves.toBe(0);
  });

  it('clears typing after 5 s without an update', () => {
    vi.useFakeTimers();
    const { chat, ws } = withBob();
    ws.emit('typing', { username: 'bob', typing: true });
    expect(chat.typing.bob).toBe(true);
    vi.advanceTimersByTime(TYPING_CLEAR_MS - 1000);
    ws.emit('typing', { username: 'bob', typing: true });
    vi.advanceTimersByTime(TYPING_CLEAR_MS - 1);
    expect(chat.typing.bob).toBe(true);
    vi.advanceTimersByTime(1);
    expect(chat.typing.bob).toBe(false);
  });

  it('marks read with the newest unread message and clears the count', async () => {
    const { chat, host, ws, contacts } = withBob();
    const a = message('bob');
    const b = message('bob');
    host.history.set('bob', [a, b]);
    await contacts.refresh();
    expect(contacts.unread.bob).toBe(2);
    await chat.loadLatest('bob');
    expect(chat.markRead('bob')).toBe(true);
    expect(ws.sent.at(-1)).toEqual({ event: 'mark_read', data: { peer: 'bob', msg_id: b.msg_id } });
    expect(contacts.unread.bob).toBe(0);
    expect(chat.markRead('bob')).toBe(false);
  });

  it('deletes a message and updates the preview', async () => {
    const { chat, host, contacts } = withBob();
    const a = message('bob');
    const b = message('bob');
    host.history.set('bob', [a, b]);
    await chat.loadLatest('bob');
    expect(contacts.lastMessage.bob?.msg_id).toBe(b.msg_id);
    await chat.remove('bob', b.msg_id);
    expect(chat.conversation('bob').messages.map((m) => m.msg_id)).toEqual([a.msg_id]);
    expect(contacts.lastMessage.bob?.msg_id).toBe(a.msg_id);
    expect(host.requests).toContain(`DELETE /messages/${b.msg_id}`);
  });
});
