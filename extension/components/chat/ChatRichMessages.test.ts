import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { Message } from '../../../shared/contract.js';
import { contact, message } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import ChatView from './ChatView.vue';
import { defined } from '../../../shared/defined.js';

/** bob's chat open on `history` (oldest first), mounted in the document so focus moves for real. */
async function render(history: Message[]) {
  const s = setupStores();
  s.host.friends = [contact('bob', { online: true })];
  s.host.history.set('bob', history);
  await s.contacts.refresh();
  s.chat.open('bob');
  const wrapper = mount(ChatView, { props: { peer: 'bob' }, global: { plugins: [s.pinia] }, attachTo: document.body });
  await flushPromises();
  const bubble = (id: string) => wrapper.get(`[data-testid="message-${id}"]`);
  /** Points at a message, which shows its actions, and returns one of them. */
  const action = async (id: string, name: string) => {
    await bubble(id).trigger('mouseenter');
    return bubble(id).get(`[data-testid="${name}"]`);
  };
  const requests = (method: string) => s.host.requests.filter((r) => r.startsWith(method));
  return { ...s, wrapper, bubble, action, requests };
}

describe('replies, reactions, edits and deletion in the chat', () => {
  it('replies from the composer and shows the quote, which jumps to the original', async () => {
    const original = message('bob', { text: 'Which train do we take?' });
    const { wrapper, bubble, action, host, chat } = await render([original, message('bob', { text: 'the other one' })]);
    await (await action(original.msg_id, 'reply-button')).trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="composer-reply"]').text()).toContain('Replying to bob');
    expect(wrapper.get('[data-testid="composer-reply"]').text()).toContain('Which train do we take?');
    expect(document.activeElement).toBe(wrapper.get('[data-testid="composer-input"]').element);
    const box = wrapper.get('[data-testid="composer-input"]');
    await box.setValue('The 8:15');
    await box.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(wrapper.find('[data-testid="composer-reply"]').exists()).toBe(false);
    const reply = defined(defined(host.history.get('bob')).at(-1));
    expect(reply).toMatchObject({ text: 'The 8:15', reply_to: original.msg_id });
    const quote = bubble(reply.msg_id).get('[data-testid="reply-quote"]');
    expect(quote.text()).toContain('bob');
    expect(quote.text()).toContain('Which train do we take?');
    await quote.trigger('click');
    await flushPromises();
    // Loaded already: the view brings it into sight and highlights it.
    expect(wrapper.get(`[data-key="${original.msg_id}"]`).classes()).toContain('row--flash');
    expect(defined(chat.conversations.bob).focus).toBeNull();
  });

  it('asks the host once for a quote far up the chat, and says when the original is gone', async () => {
    const old = Array.from({ length: 80 }, (_, i) => message('bob', { text: `old ${i}`, status: 'read', read: true }));
    const replies = [
      message('bob', { text: 'about that', reply_to: defined(old[3]).msg_id }),
      message('bob', { text: 'and that again', reply_to: defined(old[3]).msg_id }),
      message('bob', { text: 'about nothing', reply_to: 'deleted-here' }),
    ];
    const { bubble, requests, chat } = await render([...old, ...replies]);
    expect(requests('GET /messages').filter((r) => r.includes('around='))).toEqual([`GET /messages?peer=bob&limit=1&around=${defined(old[3]).msg_id}`, 'GET /messages?peer=bob&limit=1&around=deleted-here']);
    expect(bubble(defined(replies[0]).msg_id).get('[data-testid="reply-quote"]').text()).toContain('old 3');
    expect(bubble(defined(replies[2]).msg_id).get('[data-testid="reply-quote"]').text()).toBe('Original message deleted');
    // A quote outside the loaded part opens the chat around it.
    await bubble(defined(replies[1]).msg_id).get('[data-testid="reply-quote"]').trigger('click');
    await flushPromises();
    expect(requests('GET /messages').at(-1)).toBe(`GET /messages?peer=bob&limit=50&around=${defined(old[3]).msg_id}`);
    expect(defined(chat.conversations.bob).messages.some((m) => m.msg_id === defined(old[3]).msg_id)).toBe(true);
  });

  it('shows a message’s actions only while it is pointed at or focused', async () => {
    const m = message('bob', { text: 'hover me' });
    const { wrapper, bubble } = await render([m, message('bob')]);
    expect(wrapper.findAll('[data-testid="react-button"]')).toHaveLength(0);
    await bubble(m.msg_id).trigger('mouseenter');
    expect(bubble(m.msg_id).findAll('button').map((b) => b.attributes('aria-label'))).toEqual(['React', 'Reply', 'More actions']);
    await bubble(m.msg_id).trigger('mouseleave');
    expect(bubble(m.msg_id).find('[data-testid="react-button"]').exists()).toBe(false);
    // From the keyboard: the bubble takes the focus, and its actions follow it in the tab order.
    const body = bubble(m.msg_id).get('.bubble');
    expect(body.attributes('tabindex')).toBe('0');
    (body.element as HTMLElement).focus();
    await flushPromises();
    const reply = bubble(m.msg_id).get('[data-testid="reply-button"]');
    (reply.element as HTMLElement).focus();
    await flushPromises();
    expect(bubble(m.msg_id).find('[data-testid="reply-button"]').exists()).toBe(true);
    (reply.element as HTMLElement).blur();
    await flushPromises();
    expect(bubble(m.msg_id).find('[data-testid="reply-button"]').exists()).toBe(false);
  });

  it('reacts through a keyboard-friendly picker and toggles the reaction from its chip', async () => {
    const m = message('bob', { text: 'Got the tickets!' });
    const { wrapper, bubble, action, requests } = await render([m]);
    const react = await action(m.msg_id, 'react-button');
    await react.trigger('click');
    await flushPromises();
    const options = wrapper.findAll('[data-testid="reaction-option"]');
    expect(wrapper.get('[data-testid="reaction-picker"]').attributes('role')).toBe('toolbar');
    expect(document.activeElement).toBe(defined(options[0]).element);
    await defined(options[0]).trigger('keydown', { key: 'ArrowRight' });
    expect(document.activeElement).toBe(defined(options[1]).element);
    await defined(options[1]).trigger('keydown', { key: 'End' });
    expect(document.activeElement).toBe(defined(options.at(-1)).element);
    await defined(options.at(-1)).trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(wrapper.find('[data-testid="reaction-picker"]').exists()).toBe(false);
    expect(document.activeElement).toBe(react.element);

    await react.trigger('click');
    await flushPromises();
    await wrapper.get('[data-testid="reaction-option"][data-emoji="🎉"]').trigger('click');
    await flushPromises();
    expect(requests('POST')).toEqual([`POST /messages/${m.msg_id}/reactions`]);
    const chip = bubble(m.msg_id).get('[data-testid="reaction-chip"]');
    expect(chip.attributes('data-emoji')).toBe('🎉');
    expect(chip.attributes('aria-pressed')).toBe('true');
    expect(chip.attributes('aria-label')).toContain('from you');
    await chip.trigger('click');
    await flushPromises();
    expect(requests('DELETE')).toEqual([`DELETE /messages/${m.msg_id}/reactions/${encodeURIComponent('🎉')}`]);
    expect(bubble(m.msg_id).find('[data-testid="reaction-chip"]').exists()).toBe(false);
  });

  it('edits our own message in the composer, keeping the draft for after', async () => {
    const mine = message('bob', { direction: 'sent', text: 'See you at 5', status: 'read' });
    const theirs = message('bob', { text: 'ok' });
    const { wrapper, bubble, action, requests } = await render([mine, theirs]);
    await (await action(theirs.msg_id, 'more-button')).trigger('click');
    expect(wrapper.findAll('[data-testid="message-menu"] [role="menuitem"]').map((b) => b.text())).toEqual(['Delete…']);
    await wrapper.get('[data-testid="message-menu"] button').trigger('keydown', { key: 'Escape' });

    const box = wrapper.get('[data-testid="composer-input"]');
    await box.setValue('a draft in progress');
    await (await action(mine.msg_id, 'more-button')).trigger('click');
    await wrapper.get('[data-testid="menu-edit"]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid="composer-edit"]').text()).toContain('Editing your message');
    expect((box.element as HTMLTextAreaElement).value).toBe('See you at 5');
    await box.setValue('See you at 6');
    await box.trigger('keydown', { key: 'Enter' });
    await flushPromises();
    expect(requests('PATCH')).toEqual([`PATCH /messages/${mine.msg_id}`]);
    expect(bubble(mine.msg_id).text()).toContain('See you at 6');
    expect(bubble(mine.msg_id).get('[data-testid="edited-mark"]').text()).toBe('edited');
    expect(bubble(mine.msg_id).attributes('data-edited')).toBe('true');
    expect((box.element as HTMLTextAreaElement).value).toBe('a draft in progress');

    // Escape leaves an edit without saving it.
    await (await action(mine.msg_id, 'more-button')).trigger('click');
    await wrapper.get('[data-testid="menu-edit"]').trigger('click');
    await flushPromises();
    await box.trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(wrapper.find('[data-testid="composer-edit"]').exists()).toBe(false);
    expect(requests('PATCH')).toHaveLength(1);
  });

  it('deletes our message for everyone into a tombstone; for theirs it offers only this device', async () => {
    const mine = message('bob', { direction: 'sent', text: 'wrong chat, sorry', status: 'read' });
    const theirs = message('bob', { text: 'what was that?' });
    const { wrapper, bubble, action, requests, contacts } = await render([mine, theirs]);
    await (await action(theirs.msg_id, 'more-button')).trigger('click');
    await wrapper.get('[data-testid="menu-delete"]').trigger('click');
    expect(wrapper.find('[data-testid="delete-for-everyone"]').exists()).toBe(false);
    await wrapper.get('[data-testid="delete-cancel"]').trigger('click');

    await (await action(mine.msg_id, 'more-button')).trigger('click');
    await wrapper.get('[data-testid="menu-delete"]').trigger('click');
    await wrapper.get('[data-testid="delete-for-everyone"]').trigger('click');
    await flushPromises();
    expect(requests('DELETE')).toEqual([`DELETE /messages/${mine.msg_id}?for=everyone`]);
    const tomb = bubble(mine.msg_id);
    expect(tomb.attributes('data-deleted')).toBe('true');
    expect(tomb.get('[data-testid="message-deleted"]').text()).toBe('You deleted this message');
    expect(tomb.find('[data-testid="reply-button"]').exists()).toBe(false);
    expect(tomb.find('[data-testid="react-button"]').exists()).toBe(false);
    expect(contacts.lastMessage.bob?.msg_id).toBe(theirs.msg_id);
  });

  it('follows message_updated: the friend edits, reacts and deletes; the preview follows too', async () => {
    const theirs = message('bob', { text: 'typo hree' });
    const { wrapper, bubble, ws, contacts } = await render([theirs]);
    ws.emit('message_updated', { ...theirs, text: 'typo here', edited_at: new Date().toISOString(), reactions: [{ emoji: '👍', from: 'bob' }] });
    await flushPromises();
    expect(bubble(theirs.msg_id).text()).toContain('typo here');
    expect(bubble(theirs.msg_id).get('[data-testid="reaction-chip"]').attributes('aria-label')).toContain('from bob');
    ws.emit('message_updated', { ...theirs, text: '', deleted: true, reactions: [] });
    await flushPromises();
    expect(bubble(theirs.msg_id).get('[data-testid="message-deleted"]').text()).toBe('This message was deleted');
    expect(contacts.lastMessage.bob?.deleted).toBe(true);
    expect(wrapper.find('[data-testid="reaction-chip"]').exists()).toBe(false);
  });
});
