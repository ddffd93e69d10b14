import { afterEach, describe, expect, it, vi } from 'vitest';
import { contact, message } from '../test-support/fake-host.js';
import { setupStores } from '../test-support/setup-stores.js';
import { CONTACTS_REFRESH_MS } from './contacts.js';
import { defined } from '../../shared/defined.js';

afterEach(() => vi.useRealTimers());

describe('contacts store', () => {
  it('orders online first, then latest conversation, then name', async () => {
    const { host, contacts } = setupStores();
    host.friends = [contact('zed'), contact('amy'), contact('bob'), contact('carl', { online: true }), contact('dan', { online: true })];
    host.history.set('zed', [message('zed')]);
    host.history.set('bob', [message('bob')]);
    host.history.set('dan', [message('dan')]);
    await contacts.refresh();
    expect(contacts.sorted.map((c) => c.username)).toEqual(['dan', 'carl', 'bob', 'zed', 'amy']);
  });

  it('filters by search text, case-insensitively', async () => {
    const { host, contacts } = setupStores();
    host.friends = [contact('bob'), contact('bobby'), contact('carol')];
    await contacts.refresh();
    contacts.query = ' BOB';
    expect(contacts.visible.map((c) => c.username)).toEqual(['bob', 'bobby']);
    contacts.query = 'x';
    expect(contacts.visible).toEqual([]);
  });

  it('counts unread from history and incoming messages', async () => {
    const { host, contacts, ws } = setupStores();
    host.friends = [contact('bob'), contact('carol')];
    host.history.set('bob', [message('bob', { read: true }), message('bob'), message('bob', { direction: 'sent' })]);
    await contacts.refresh();
    expect(contacts.unread).toEqual({ bob: 1, carol: 0 });
    const incoming = message('carol', { text: 'hey there' });
    ws.emit('new_message', incoming);
    ws.emit('new_message', message('bob'));
    expect(contacts.unread).toEqual({ bob: 2, carol: 1 });
    expect(contacts.totalUnread).toBe(3);
    expect(contacts.lastMessage.carol?.text).toBe('hey there');
    expect(defined(contacts.sorted[0]).username).toBe('bob');
  });

  it('takes every preview and unread count from one summary request, then from events', async () => {
    const { host, contacts } = setupStores();
    host.friends = Array.from({ length: 300 }, (_, i) => contact(`pal${i}`));
    host.history.set('pal7', Array.from({ length: 80 }, () => message('pal7')));
    await contacts.refresh();
    expect(host.requests).toEqual(['GET /friends', 'GET /conversations']);
    // The true count, not only what the newest page held.
    expect(contacts.unread.pal7).toBe(80);
    await contacts.refresh();
    expect(host.requests.slice(2)).toEqual(['GET /friends']);
    host.friends.push(contact('newcomer'));
    await contacts.refresh();
    expect(host.requests.slice(3)).toEqual(['GET /friends', 'GET /conversations']);
  });

  it('follows presence events and records last seen', async () => {
    const { host, contacts, ws } = setupStores();
    host.friends = [contact('bob'), contact('carol', { online: true })];
    await contacts.refresh();
    ws.emit('friend_online', { username: 'bob' });
    ws.emit('friend_offline', { username: 'carol' });
    expect(contacts.byName('bob')?.online).toBe(true);
    expect(contacts.byName('carol')?.online).toBe(false);
    expect(contacts.byName('carol')?.last_seen).not.toBeNull();
    ws.emit('key_changed', { username: 'bob' });
    expect(contacts.byName('bob')?.key_changed).toBe(true);
  });

  it('refreshes every 10 s', async () => {
    vi.useFakeTimers();
    const { host, contacts } = setupStores();
    await contacts.refresh();
    contacts.startAutoRefresh();
    host.friends = [contact('bob', { online: true })];
    await vi.advanceTimersByTimeAsync(CONTACTS_REFRESH_MS);
    expect(contacts.contacts.map((c) => c.username)).toEqual(['bob']);
    contacts.stopAutoRefresh();
  });

  it('reports add-friend errors by status', async () => {
    const { contacts, host } = setupStores();
    host.friends = [contact('bob')];
    await expect(contacts.add('nobody')).resolves.toMatchObject({ ok: false, status: 404 });
    await expect(contacts.add('bob')).resolves.toMatchObject({ ok: false, status: 409, error: 'Already friends with bob' });
    await expect(contacts.add('!!')).resolves.toMatchObject({ ok: false, status: 400 });
    await expect(contacts.add(' Carol ')).resolves.toMatchObject({ ok: true });
    expect(contacts.byName('carol')).toBeDefined();
    await contacts.remove('carol');
    expect(contacts.byName('carol')).toBeUndefined();
  });
});
