import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { contact, message } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import ContactList from './ContactList.vue';

async function render() {
  const s = setupStores();
  s.host.friends = [contact('amy'), contact('bob', { online: true }), contact('carol', { key_changed: true })];
  s.host.history.set('amy', [message('amy', { text: 'see you tomorrow' }), message('amy')]);
  await s.contacts.refresh();
  const wrapper = mount(ContactList, { global: { plugins: [s.pinia] } });
  return { ...s, wrapper };
}

describe('ContactList', () => {
  it('renders rows in order with presence, preview and unread badge', async () => {
    const { wrapper } = await render();
    const rows = wrapper.findAll('[data-testid^="contact-"]').filter((r) => r.element.tagName === 'BUTTON');
    expect(rows.map((r) => r.attributes('data-testid'))).toEqual(['contact-bob', 'contact-amy', 'contact-carol']);
    expect(wrapper.get('[data-testid="presence-bob"]').attributes('data-online')).toBe('true');
    expect(wrapper.get('[data-testid="presence-amy"]').attributes('data-online')).toBe('false');
    expect(wrapper.get('[data-testid="unread-amy"]').text()).toBe('2');
    expect(wrapper.find('[data-testid="unread-bob"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="contact-amy"]').text()).toContain('text');
    expect(wrapper.get('[data-testid="contact-amy"]').attributes('aria-label')).toContain('2 unread');
  });

  it('filters with the search box', async () => {
    const { wrapper } = await render();
    await wrapper.get('[data-testid="contact-search"]').setValue('CAR');
    expect(wrapper.find('[data-testid="contact-carol"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="contact-bob"]').exists()).toBe(false);
    await wrapper.get('[data-testid="contact-search"]').setValue('zzz');
    expect(wrapper.get('[data-testid="contacts-no-match"]').text()).toContain('zzz');
  });

  it('emits select on click and updates live from events', async () => {
    const { wrapper, ws, host } = await render();
    await wrapper.get('[data-testid="contact-carol"]').trigger('click');
    expect(wrapper.emitted('select')).toEqual([['carol']]);
    // The host's list agrees with its event: the store fetches it again on presence changes.
    host.friends.find((f) => f.username === 'carol')!.online = true;
    ws.emit('friend_online', { username: 'carol' });
    ws.emit('new_message', message('carol', { text: 'ping' }));
    await flushPromises();
    expect(wrapper.get('[data-testid="presence-carol"]').attributes('data-online')).toBe('true');
    expect(wrapper.get('[data-testid="unread-carol"]').text()).toBe('1');
    const first = wrapper.findAll('button[data-testid^="contact-"]')[0]!;
    expect(first.attributes('data-testid')).toBe('contact-carol');
  });

  it('tells an online friend no connection reaches apart from one that it does', async () => {
    const s = setupStores();
    s.host.friends = [contact('amy', { online: true, path: 'relay' }), contact('bob', { online: true, path: null })];
    await s.contacts.refresh();
    const wrapper = mount(ContactList, { global: { plugins: [s.pinia] } });
    expect(wrapper.get('[data-testid="contact-amy"]').text()).toContain('online');
    expect(wrapper.get('[data-testid="contact-amy"]').text()).not.toContain('not reachable');
    expect(wrapper.get('[data-testid="contact-bob"]').text()).toContain('online, not reachable');
    expect(wrapper.get('[data-testid="presence-bob"]').attributes('aria-label')).toBe('online, not reachable');
    expect(wrapper.get('[data-testid="presence-amy"]').attributes('aria-label')).toBe('online');
  });

  it('shows an empty state with an add button', async () => {
    const s = setupStores();
    await s.contacts.refresh();
    const wrapper = mount(ContactList, { global: { plugins: [s.pinia] } });
    expect(wrapper.find('[data-testid="contacts-empty"]').exists()).toBe(true);
    await wrapper.get('[data-testid="add-friend-empty"]').trigger('click');
    expect(wrapper.emitted('add')).toHaveLength(1);
  });
});
