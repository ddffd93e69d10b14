import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { SEARCH_DEBOUNCE_MS } from '../../stores/search.js';
import { contact, message } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import ContactList from './ContactList.vue';
import { defined } from '../../../shared/defined.js';

/** Past the search debounce, and the fake host's answer. */
async function settle() {
  await new Promise((r) => setTimeout(r, SEARCH_DEBOUNCE_MS + 20));
  await flushPromises();
}

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
    expect(wrapper.get('[data-testid="contact-amy"]').text()).toContain('2 unread');
  });

  it('searches contacts and messages from one box, highlighting the match', async () => {
    const { wrapper, host } = await render();
    await wrapper.get('[data-testid="contact-search"]').setValue('TOMORROW');
    await settle();
    expect((wrapper.get('[data-testid="contact-list"]').element.parentElement as HTMLElement).style.display).toBe('none');
    expect(wrapper.find('[data-testid="search-contacts"]').exists()).toBe(false);
    const hit = defined(defined(host.history.get('amy'))[0]);
    const row = wrapper.get(`[data-testid="search-hit-${hit.msg_id}"]`);
    expect(row.get('mark').text()).toBe('tomorrow');
    expect(row.text()).toContain('amy');
    expect(host.requests.filter((r) => r.startsWith('GET /search'))).toEqual(['GET /search?q=TOMORROW&limit=30']);
    await row.trigger('click');
    expect(wrapper.emitted('open')).toEqual([[expect.objectContaining({ msg_id: hit.msg_id })]]);

    await wrapper.get('[data-testid="contact-search"]').setValue('car');
    await flushPromises();
    expect(wrapper.get('[data-testid="search-contacts"]').find('[data-testid="contact-carol"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="contact-bob"]').exists()).toBe(false);
    await settle();
    expect(wrapper.get('[data-testid="search-empty"]').text()).toContain('car');
    await wrapper.get('[data-testid="contact-search"]').trigger('keydown', { key: 'Escape' });
    expect(wrapper.find('[data-testid="search-results"]').exists()).toBe(false);
  });

  it('renders a long friend list virtually, each row knowing its place', async () => {
    const s = setupStores();
    s.host.friends = Array.from({ length: 2000 }, (_, i) => contact(`pal${String(i).padStart(4, '0')}`));
    await s.contacts.refresh();
    const wrapper = mount(ContactList, { global: { plugins: [s.pinia] } });
    await flushPromises();
    const rows = wrapper.findAll('[data-testid="contact-list"] > li');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(defined(rows[0]).attributes('aria-setsize')).toBe('2000');
    expect(defined(rows[0]).attributes('aria-posinset')).toBe('1');
    expect(defined(rows[0]).attributes('data-key')).toBe('pal0000');
  });

  it('emits select on click and updates live from events', async () => {
    const { wrapper, ws, host } = await render();
    await wrapper.get('[data-testid="contact-carol"]').trigger('click');
    expect(wrapper.emitted('select')).toEqual([['carol']]);
    // The host's list agrees with its event: the store fetches it again on presence changes.
    defined(host.friends.find((f) => f.username === 'carol')).online = true;
    ws.emit('friend_online', { username: 'carol' });
    ws.emit('new_message', message('carol', { text: 'ping' }));
    await flushPromises();
    expect(wrapper.get('[data-testid="presence-carol"]').attributes('data-online')).toBe('true');
    expect(wrapper.get('[data-testid="unread-carol"]').text()).toBe('1');
    const first = defined(wrapper.findAll('button[data-testid^="contact-"]')[0]);
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
