import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { setupStores } from '../../test-support/setup-stores.js';
import IntroductionList from './IntroductionList.vue';

describe('IntroductionList', () => {
  it('lists who wants to chat, adds one back and dismisses another', async () => {
    const s = setupStores();
    s.host.introductions = [
      { username: 'carol', public_key: 'k1', received_at: '2026-01-01T00:00:00.000Z' },
      { username: 'dave', public_key: 'k2', received_at: '2026-01-01T00:00:00.000Z' },
    ];
    const wrapper = mount(IntroductionList, { global: { plugins: [s.pinia] } });
    await flushPromises();
    expect(wrapper.get('[data-testid="introductions"]').text()).toContain('Wants to chat');
    expect(wrapper.get('[data-testid="introduction-carol"]').text()).toContain('carol added you');
    expect(wrapper.get('[data-testid="introduction-add-carol"]').attributes('aria-label')).toBe('Add carol back');

    await wrapper.get('[data-testid="introduction-add-carol"]').trigger('click');
    await flushPromises();
    expect(wrapper.emitted('added')).toEqual([['carol']]);
    expect(s.contacts.byName('carol')).toBeDefined();
    expect(wrapper.find('[data-testid="introduction-carol"]').exists()).toBe(false);

    await wrapper.get('[data-testid="introduction-dismiss-dave"]').trigger('click');
    await flushPromises();
    expect(s.host.requests).toContain('DELETE /introductions/dave');
    expect(wrapper.find('[data-testid="introductions"]').exists()).toBe(false);
  });

  it('refreshes when the host announces an introduction', async () => {
    const s = setupStores();
    const wrapper = mount(IntroductionList, { global: { plugins: [s.pinia] } });
    await flushPromises();
    expect(wrapper.find('[data-testid="introductions"]').exists()).toBe(false);
    s.host.introductions = [{ username: 'erin', public_key: 'k', received_at: '2026-01-01T00:00:00.000Z' }];
    s.ws.emit('introduction', { username: 'erin' });
    await flushPromises();
    expect(wrapper.find('[data-testid="introduction-erin"]').exists()).toBe(true);
  });
});
