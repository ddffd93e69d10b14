import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { contact } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import FriendDetails from './FriendDetails.vue';
import { defined } from '../../../shared/defined.js';

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

    defined(host.friends[0]).path = 'holepunch';
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

  const shownNumber = (wrapper: Awaited<ReturnType<typeof render>>['wrapper']) =>
    wrapper.findAll('[data-testid="safety-number"] span').map((g) => g.text()).join(' ');

  it('marks verified with the number it shows', async () => {
    const { wrapper, host } = await render({});
    await wrapper.get('[data-testid="mark-verified"]').trigger('click');
    await flushPromises();
    expect(host.verifiedWith).toEqual([host.safetyNumber]);
    expect(wrapper.find('[data-testid="verified-state"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('shows the new number when the keys change while it is open', async () => {
    const { wrapper, host, ws } = await render({});
    const before = shownNumber(wrapper);
    host.safetyNumber = '99999 88888 77777 66666 55555 44444 33333 22222 11111 00000 99999 88888';
    defined(host.friends[0]).key_changed = true;
    ws.emit('key_changed', { username: 'bob' });
    await flushPromises();
    expect(shownNumber(wrapper)).not.toBe(before);
    expect(shownNumber(wrapper)).toBe(host.safetyNumber);
    expect(wrapper.find('[role="alert"]').text()).toContain('keys for bob changed');
    wrapper.unmount();
  });

  it('when the host refuses the number shown, says so and shows the current one; nothing is verified', async () => {
    const { wrapper, host } = await render({});
    const before = shownNumber(wrapper);
    // The keys change and the event has not arrived yet.
    host.safetyNumber = '99999 88888 77777 66666 55555 44444 33333 22222 11111 00000 99999 88888';
    await wrapper.get('[data-testid="mark-verified"]').trigger('click');
    await flushPromises();
    expect(host.verifiedWith).toEqual([before]);
    expect(defined(host.friends[0]).verified).toBe(false);
    expect(wrapper.get('[data-testid="verify-refused"]').text()).toContain('changed');
    expect(shownNumber(wrapper)).toBe(host.safetyNumber);
    expect(wrapper.find('[data-testid="verified-state"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
