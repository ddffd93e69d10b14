import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { contact } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import AddFriendDialog from './AddFriendDialog.vue';

async function submit(wrapper: ReturnType<typeof mount>, name: string) {
  await wrapper.get('[data-testid="add-friend-input"]').setValue(name);
  await wrapper.get('form').trigger('submit');
  await flushPromises();
}

describe('AddFriendDialog', () => {
  it('shows the host errors inline and adds a friend', async () => {
    const s = setupStores();
    s.host.friends = [contact('bob')];
    await s.contacts.refresh();
    const wrapper = mount(AddFriendDialog, { global: { plugins: [s.pinia] } });
    await submit(wrapper, 'nobody');
    expect(wrapper.get('[data-testid="add-friend-error"]').text()).toContain('No Parley user called “nobody”');
    await submit(wrapper, 'Bob');
    expect(wrapper.get('[data-testid="add-friend-error"]').text()).toContain('already friends with bob');
    await submit(wrapper, 'x');
    expect(wrapper.get('[data-testid="add-friend-error"]').text()).toContain('3–32 characters');
    await submit(wrapper, 'carol');
    expect(wrapper.find('[data-testid="add-friend-error"]').exists()).toBe(false);
    expect(wrapper.emitted('added')).toEqual([['carol']]);
    expect(wrapper.emitted('close')).toHaveLength(1);
    expect(s.contacts.byName('carol')).toBeDefined();
  });
});
