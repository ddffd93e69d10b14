import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defined } from '../../../shared/defined.js';
import { useAppBoot } from '../../composables/use-app-boot.js';
import { setupStores } from '../../test-support/setup-stores.js';
import OnboardingRecover from './OnboardingRecover.vue';
import OnboardingRecoveryCode from './OnboardingRecoveryCode.vue';

describe('onboarding: the recovery code', () => {
  it('shows the code in groups and goes on only once the user wrote it down', async () => {
    const wrapper = mount(OnboardingRecoveryCode, { props: { username: 'alice', code: 'ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345-6789' } });
    expect(wrapper.findAll('[data-testid="recovery-code"] span').map((s) => s.text())).toEqual([
      'ABCD', 'EFGH', 'JKMN', 'PQRS', 'TVWX', 'YZ01', '2345', '6789',
    ]);
    expect(wrapper.text()).toContain('alice');
    const done = wrapper.get('[data-testid="recovery-done"]');
    expect(done.attributes('disabled')).toBeDefined();
    await done.trigger('click');
    expect(wrapper.emitted('done')).toBeUndefined();
    await wrapper.get('[data-testid="recovery-written"]').setValue(true);
    expect(done.attributes('disabled')).toBeUndefined();
    await done.trigger('click');
    expect(wrapper.emitted('done')).toHaveLength(1);
  });

  it('claiming a name keeps the app on the recovery-code screen until dismissed', async () => {
    const s = setupStores();
    s.host.username = null;
    s.ui.hostLink = { phase: 'ready', bridged: false, details: { api_port: 1, ws_port: 1, token: 't', username: null, version: '0' } };
    s.ui.setStatus(s.host.status());
    expect(s.ui.phase).toBe('onboarding');
    let boot: ReturnType<typeof useAppBoot> | undefined;
    const Harness = {
      setup: () => {
        boot = useAppBoot({ onState: () => () => {}, start() {}, stop() {}, state: async () => {}, reportFocus() {}, reportUnread() {}, reconnect: async () => {} } as never);
        return () => null;
      },
    };
    mount(Harness, { global: { plugins: [s.pinia] } });
    await defined(boot).setup('alice');
    expect(s.ui.phase).toBe('recovery-code');
    expect(s.ui.recoveryCode).toBe(s.host.recoveryCode);
    s.ui.recoveryCode = null;
    expect(s.ui.phase).toBe('ready');
  });

  it('recovers a name, explaining a wrong code', async () => {
    const s = setupStores();
    const recovered: string[] = [];
    const recover = async (username: string, code: string) => {
      await s.session.requireApi().recover(username, code);
      recovered.push(username);
    };
    const wrapper = mount(OnboardingRecover, { props: { recover }, global: { plugins: [s.pinia] } });
    await wrapper.get('[data-testid="recover-username"]').setValue('Alice');
    await wrapper.get('[data-testid="recover-code"]').setValue('AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid="recover-error"]').text()).toContain('does not match “alice”');
    await wrapper.get('[data-testid="recover-code"]').setValue('abcd efgh jkmn pqrs tvwx yz01 2345 6789');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(recovered).toEqual(['alice']);
    expect(wrapper.find('[data-testid="recover-error"]').exists()).toBe(false);
  });
});
