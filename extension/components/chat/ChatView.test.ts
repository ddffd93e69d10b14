import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contact, message } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import ChatView from './ChatView.vue';

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
    const [a, b] = host.history.get('bob')!;
    expect(wrapper.get(`[data-testid="message-${a!.msg_id}"]`).attributes('data-direction')).toBe('received');
    const sent = wrapper.get(`[data-testid="message-${b!.msg_id}"]`);
    expect(sent.attributes('data-status')).toBe('read');
    expect(sent.get('[data-testid="delivery-state"]').text()).toContain('Read · direct');
    expect(wrapper.findAll('[role="separator"]')).toHaveLength(1);
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
    const id = host.history.get('bob')![0]!.msg_id;
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

  it('loads older messages from the sentinel and deletes a message', async () => {
    const { wrapper, host } = await render(75);
    expect(wrapper.findAll('[data-testid^="message-m"]')).toHaveLength(50);
    await wrapper.get('[data-testid="load-older"] button').trigger('click');
    await flushPromises();
    expect(wrapper.findAll('[data-testid^="message-m"]')).toHaveLength(75);
    expect(wrapper.find('[data-testid="load-older"]').exists()).toBe(false);
    const last = host.history.get('bob')!.at(-1)!;
    await wrapper.get(`[data-testid="message-${last.msg_id}"] [data-testid="delete-button"]`).trigger('click');
    await flushPromises();
    expect(wrapper.find(`[data-testid="message-${last.msg_id}"]`).exists()).toBe(false);
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
});
