import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contact, message } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import { useDraftsStore } from '../../stores/drafts.js';
import { useSearchStore } from '../../stores/search.js';
import ChatView from './ChatView.vue';
import { defined } from '../../../shared/defined.js';

afterEach(() => vi.useRealTimers());

async function render(history = 3) {
  const s = setupStores();
  s.host.friends = [contact('bob', { online: true })];
  s.host.history.set('bob', Array.from({ length: history }, (_, i) => message('bob', { direction: i % 2 ? 'sent' : 'received', status: 'read' })));
  await s.contacts.refresh();
  s.chat.open('bob');
  const wrapper = mount(ChatView, { props: { peer: 'bob' }, global: { plugins: [s.pinia] }, attachTo: document.body });
  await flushPromises();
  return { ...s, wrapper };
}

describe('ChatView', () => {
  it('renders bubbles with direction, status and a day separator', async () => {
    const { wrapper, host } = await render(3);
    const [a, b] = defined(host.history.get('bob'));
    expect(wrapper.get(`[data-testid="message-${defined(a).msg_id}"]`).attributes('data-direction')).toBe('received');
    const sent = wrapper.get(`[data-testid="message-${defined(b).msg_id}"]`);
    expect(sent.attributes('data-status')).toBe('read');
    expect(sent.get('[data-testid="delivery-state"]').text()).toContain('Read · direct');
    expect(wrapper.findAll('.day')).toHaveLength(1);
    expect(wrapper.text()).toContain('online');
  });

  it('sends on Enter, keeps Shift+Enter as a newline, and shows the delivery state', async () => {
    const { wrapper, host, ws } = await render(0);
    expect(wrapper.find('[data-testid="chat-empty"]').exists()).toBe(true);
    host.sendResult = { status: 'stored', delivery_method: 'offline', delivered: false };
    const box = wrapper.get('[data-testid="composer-input"]');
    await box.setValue('line one');
    await box.trigger('keydown', { key: 'Enter', shiftKey: true });
    expect(host.requests.filter((r) => r.startsWith('POST'))).toHaveLength(0);
    await box.setValue('line one\nline two');
    await box.trigger('keydown', { key: 'Enter' });
    expect((box.element as HTMLTextAreaElement).value).toBe('');
    const optimistic = wrapper.find('[data-status="sending"]');
    expect(optimistic.exists()).toBe(true);
    await flushPromises();
    const id = defined(defined(host.history.get('bob'))[0]).msg_id;
    const bubble = wrapper.get(`[data-testid="message-${id}"]`);
    expect(bubble.attributes('data-status')).toBe('stored');
    expect(bubble.text()).toContain('line one\nline two');
    expect(bubble.text()).toContain('Stored offline');
    expect(ws.sent).toContainEqual({ event: 'typing', data: { to: 'bob', typing: true } });
    expect(ws.sent.at(-1)).toEqual({ event: 'typing', data: { to: 'bob', typing: false } });
    ws.emit('message_status', { msg_id: id, peer: 'bob', delivered: true, delivery_method: 'offline', status: 'delivered' });
    await flushPromises();
    expect(wrapper.get(`[data-testid="message-${id}"]`).attributes('data-status')).toBe('delivered');
  });

  it('does not send an empty message', async () => {
    const { wrapper, host } = await render(0);
    expect(wrapper.get('[data-testid="send-button"]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid="composer-input"]').setValue('   ');
    await wrapper.get('[data-testid="composer-input"]').trigger('keydown', { key: 'Enter' });
    expect(host.requests.some((r) => r.startsWith('POST'))).toBe(false);
  });

  it('debounces typing notifications to one start and one stop after 1 s idle', async () => {
    const { wrapper, ws } = await render(0);
    vi.useFakeTimers();
    const box = wrapper.get('[data-testid="composer-input"]');
    for (const text of ['h', 'he', 'hel']) {
      await box.setValue(text);
      vi.advanceTimersByTime(300);
    }
    const typingFrames = () => ws.sent.filter((f) => (f as { event: string }).event === 'typing');
    expect(typingFrames()).toEqual([{ event: 'typing', data: { to: 'bob', typing: true } }]);
    // Last keystroke was 300 ms ago: the stop goes out 1 s after it.
    vi.advanceTimersByTime(699);
    expect(typingFrames()).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(typingFrames().at(-1)).toEqual({ event: 'typing', data: { to: 'bob', typing: false } });
  });

  it('shows and clears the typing indicator', async () => {
    const { wrapper, ws } = await render(1);
    vi.useFakeTimers();
    ws.emit('typing', { username: 'bob', typing: true });
    await flushPromises();
    expect(wrapper.find('[data-testid="typing-indicator"]').exists()).toBe(true);
    vi.advanceTimersByTime(5000);
    await flushPromises();
    expect(wrapper.find('[data-testid="typing-indicator"]').exists()).toBe(false);
  });

  it('renders only the newest rows of a long chat, each with its place in the whole chat', async () => {
    const { wrapper, host } = await render(2000);
    const rows = wrapper.findAll('[role="listitem"]');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(50);
    const last = defined(rows.at(-1));
    expect(last.attributes('aria-setsize')).toBe('2000');
    expect(last.attributes('aria-posinset')).toBe('2000');
    expect(defined(rows[0]).attributes('aria-posinset')).toBe(String(2001 - rows.length));
    expect(last.find(`[data-testid="message-${defined(defined(host.history.get('bob')).at(-1)).msg_id}"]`).exists()).toBe(true);
    expect(wrapper.get('[data-testid="chat-messages"] [role="list"]').attributes('aria-label')).toBe('2000 messages');
  });

  it('loads older pages and deletes a message, keeping the row count honest', async () => {
    const { wrapper, host, chat, pinia } = await render(75);
    expect(defined(chat.conversations.bob).messages).toHaveLength(50);
    await wrapper.get('[data-testid="load-older"] button').trigger('click');
    await flushPromises();
    expect(defined(chat.conversations.bob).messages).toHaveLength(75);
    expect(wrapper.find('[data-testid="load-older"]').exists()).toBe(false);
    const last = defined(defined(host.history.get('bob')).at(-1));
    const search = useSearchStore(pinia);
    search.hits = [{ ...last, highlights: [] }];
    await wrapper.get(`[data-testid="message-${last.msg_id}"]`).trigger('mouseenter');
    await wrapper.get(`[data-testid="message-${last.msg_id}"] [data-testid="more-button"]`).trigger('click');
    await wrapper.get('[data-testid="menu-delete"]').trigger('click');
    await wrapper.get('[data-testid="delete-for-me"]').trigger('click');
    await flushPromises();
    expect(wrapper.find(`[data-testid="message-${last.msg_id}"]`).exists()).toBe(false);
    expect(defined(wrapper.findAll('[role="listitem"]').at(-1)).attributes('aria-setsize')).toBe('74');
    // Gone from search results too.
    expect(search.hits).toEqual([]);
  });

  it('marks where unread messages start and announces new ones outside the list', async () => {
    const s = setupStores();
    s.host.friends = [contact('bob', { online: true })];
    const history = Array.from({ length: 6 }, (_, i) => message('bob', { status: 'read', read: i < 4 }));
    s.host.history.set('bob', history);
    await s.contacts.refresh();
    s.chat.open('bob');
    const wrapper = mount(ChatView, { props: { peer: 'bob' }, global: { plugins: [s.pinia] } });
    await flushPromises();
    const divider = wrapper.get('[data-testid="unread-divider"]');
    expect(divider.text()).toBe('New messages');
    expect(wrapper.get(`[data-key="${defined(history[4]).msg_id}"]`).find('[data-testid="unread-divider"]').exists()).toBe(true);
    s.ws.emit('new_message', message('bob', { text: 'are you there?' }));
    await flushPromises();
    expect(wrapper.get('[data-testid="chat-announcer"]').text()).toBe('bob: are you there?');
    expect(wrapper.get('[data-testid="chat-announcer"]').attributes('role')).toBe('log');
    expect(wrapper.get('[data-testid="chat-messages"]').attributes('role')).not.toBe('log');
  });

  it('opens at a search result in an older part of the chat and jumps back to the latest', async () => {
    const { wrapper, host, chat } = await render(300);
    const all = defined(host.history.get('bob'));
    const target = defined(all[40]);
    await chat.openAt('bob', target.msg_id);
    await flushPromises();
    const c = defined(chat.conversations.bob);
    expect(c.newer).toBeGreaterThan(0);
    expect(host.requests.at(-1)).toBe(`GET /messages?peer=bob&limit=50&around=${target.msg_id}`);
    expect(c.messages.some((m) => m.msg_id === target.msg_id)).toBe(true);
    expect(c.focus).toBeNull();
    expect(wrapper.find('[data-testid="load-newer"]').exists()).toBe(true);
    // Newer than anything loaded: the jump has to fetch the newest page again.
    defined(host.history.get('bob')).push(message('bob', { text: 'late news' }));
    const jump = wrapper.get('[data-testid="jump-latest"]');
    expect(jump.attributes('aria-label')).toBe('Jump to latest messages');
    await jump.trigger('click');
    await flushPromises();
    expect(c.newer).toBe(0);
    expect(defined(c.messages.at(-1)).text).toBe('late news');
  });

  it('keeps a draft per chat across a remount and clears it on send', async () => {
    const { wrapper, pinia, host } = await render(1);
    await wrapper.get('[data-testid="composer-input"]').setValue('half a thought');
    wrapper.unmount();
    const again = mount(ChatView, { props: { peer: 'bob' }, global: { plugins: [pinia] } });
    await flushPromises();
    const box = again.get('[data-testid="composer-input"]');
    expect((box.element as HTMLTextAreaElement).value).toBe('half a thought');
    await box.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(defined(defined(host.history.get('bob')).at(-1)).text).toBe('half a thought');
    expect((box.element as HTMLTextAreaElement).value).toBe('');
    expect(useDraftsStore(pinia).get('bob')).toBe('');
  });

  it('warns when the contact key changed', async () => {
    const { wrapper, ws } = await render(1);
    expect(wrapper.find('[data-testid="key-changed-banner"]').exists()).toBe(false);
    ws.emit('key_changed', { username: 'bob' });
    await flushPromises();
    expect(wrapper.get('[data-testid="key-changed-banner"]').text()).toContain('safety number changed');
  });

  it('shows an error state when history fails to load', async () => {
    const s = setupStores();
    s.host.friends = [contact('bob')];
    await s.contacts.refresh();
    s.host.failWith = 'boom';
    s.chat.open('bob');
    const wrapper = mount(ChatView, { props: { peer: 'bob' }, global: { plugins: [s.pinia] } });
    await flushPromises();
    expect(wrapper.get('[data-testid="chat-error"]').text()).toContain('boom');
    s.host.failWith = null;
    await wrapper.get('[data-testid="chat-error"] button').trigger('click');
    await flushPromises();
    expect(wrapper.find('[data-testid="chat-empty"]').exists()).toBe(true);
  });
  it('opens a chat with more unread messages than a page at the first of them', async () => {
    const s = setupStores();
    s.host.friends = [contact('bob')];
    const history = [
      ...Array.from({ length: 30 }, () => message('bob', { read: true })),
      ...Array.from({ length: 80 }, () => message('bob', { read: false })),
    ];
    s.host.history.set('bob', history);
    await s.contacts.refresh();
    s.chat.open('bob');
    await flushPromises();
    const c = defined(s.chat.conversations.bob);
    expect(c.unreadFrom).toBe(defined(history[30]).msg_id);
    // The newest page was all unread; one older page reached the first unread.
    expect(c.messages).toHaveLength(100);
    expect(s.host.requests.filter((r) => r.startsWith('GET /messages'))).toHaveLength(2);
  });

  it('says why messages to a friend wait, and tells of a signed key rotation until dismissed', async () => {
    const s = setupStores();
    s.host.friends = [
      contact('bob', {
        verified: true,
        keys_rotated_at: '2026-06-01T10:00:00.000Z',
        mail_blocked: { code: 'CAPABILITY_REQUIRED', reason: 'Waiting for bob to add you back: until then messages go only while you are both online' },
      }),
    ];
    await s.contacts.refresh();
    s.chat.open('bob');
    const wrapper = mount(ChatView, { props: { peer: 'bob' }, global: { plugins: [s.pinia] }, attachTo: document.body });
    await flushPromises();
    const banner = wrapper.get('[data-testid="mail-blocked-banner"]');
    expect(banner.attributes('data-code')).toBe('CAPABILITY_REQUIRED');
    expect(banner.text()).toContain('Waiting for bob to add you back');
    expect(banner.attributes('role')).toBe('status');
    const notice = wrapper.get('[data-testid="key-rotated-notice"]');
    expect(notice.text()).toContain('bob’s keys were rotated and signed by their old key');
    expect(notice.text()).toContain('stay verified');
    await wrapper.get('[data-testid="key-rotated-dismiss"]').trigger('click');
    expect(wrapper.find('[data-testid="key-rotated-notice"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
