import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contact } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import FriendDetails from './FriendDetails.vue';

async function render(extra: Parameters<typeof contact>[1]) {
  const s = setupStores();
  s.host.friends = [contact('bob', extra)];
  await s.contacts.refresh();
  const wrapper = mount(FriendDetails, { props: { username: 'bob' }, global: { plugins: [s.pinia] }, attachTo: document.body });
  await flushPromises();
  return { ...s, wrapper };
}

describe('FriendDetails', () => {
  afterEach(() => {
    vi.useRealTimers();
    document.body.innerHTML = '';
  });

  it('shows how messages reach the friend, and follows the path as it changes', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const { wrapper, host } = await render({ online: true, path: 'relay' });
    expect(wrapper.get('[data-testid="friend-presence"]').text()).toBe('online');
    expect(wrapper.get('[data-testid="friend-path"]').attributes('data-path')).toBe('relay');
    expect(wrapper.get('[data-testid="friend-path"]').text()).toContain('Through a relay');

    host.friends[0]!.path = 'holepunch';
    vi.advanceTimersByTime(5000);
    await flushPromises();
    expect(wrapper.get('[data-testid="friend-path"]').text()).toContain('Direct connection through NAT');
    wrapper.unmount();
  });

  it('says plainly when an online friend cannot be reached', async () => {
    const { wrapper } = await render({ online: true, path: null });
    expect(wrapper.get('[data-testid="friend-presence"]').text()).toBe('online, not reachable');
    expect(wrapper.get('[data-testid="friend-path"]').attributes('data-path')).toBe('none');
    expect(wrapper.get('[data-testid="friend-path"]').text()).toContain('Mailbox only');
    wrapper.unmount();
  });
});
