import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { setupStores } from '../../test-support/setup-stores.js';
import AccountDialog from './AccountDialog.vue';

describe('AccountDialog', () => {
  it('rotates keys after a confirmation and shows the new fingerprint', async () => {
    const s = setupStores();
    s.ui.setStatus(s.host.status());
    const wrapper = mount(AccountDialog, { global: { plugins: [s.pinia] }, attachTo: document.body });
    expect(wrapper.get('[data-testid="account-username"]').text()).toBe('alice');
    expect(wrapper.get('[data-testid="account-fingerprint"]').text()).toBe('ffff');
    await wrapper.get('[data-testid="rotate-keys"]').trigger('click');
    expect(s.host.requests.some((r) => r.startsWith('POST /keys/rotate'))).toBe(false);
    await wrapper.get('[data-testid="rotate-keys-confirm"]').trigger('click');
    await flushPromises();
    expect(s.host.requests).toContain('POST /keys/rotate');
    expect(wrapper.get('[data-testid="rotate-done"]').text()).toContain('new keys');
    expect(wrapper.get('[data-testid="account-fingerprint"]').text()).toBe('eeee');
    wrapper.unmount();
  });
});
