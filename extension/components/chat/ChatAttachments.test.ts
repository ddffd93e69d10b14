import { flushPromises, mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import type { Attachment } from '../../../shared/contract.js';
import { contact, message } from '../../test-support/fake-host.js';
import { setupStores } from '../../test-support/setup-stores.js';
import ChatView from './ChatView.vue';
import { defined } from '../../../shared/defined.js';

async function render(online = true) {
  const s = setupStores();
  s.host.friends = [contact('bob', { online, path: online ? 'tcp' : null })];
  s.host.history.set('bob', []);
  await s.contacts.refresh();
  s.chat.open('bob');
  const wrapper = mount(ChatView, { props: { peer: 'bob' }, global: { plugins: [s.pinia] }, attachTo: document.body });
  await flushPromises();
  return { ...s, wrapper };
}

const attachment = (over: Partial<Attachment> = {}): Attachment => ({
  attachment_id: 'in-1', name: 'notes.pdf', size: 2_000_000, mime: 'application/pdf', state: 'receiving',
  received_bytes: 0, hash: 'h'.repeat(64), error: null, mailbox: false, ...over,
});

/** Gives a file input a list of files, as the picker does, and tells it they changed. */
async function pick(input: HTMLInputElement, files: File[]): Promise<void> {
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  input.dispatchEvent(new Event('change'));
  await flushPromises();
}

/** An event carrying files, as a paste or a drop brings them. */
function withFiles<T extends Event>(event: T, key: 'clipboardData' | 'dataTransfer', files: File[], types = ['Files']): T {
  Object.defineProperty(event, key, { value: { files, types, dropEffect: 'none' } });
  return event;
}

describe('attachments in the chat', () => {
  it('attaches picked files, shows them before sending, uploads them and sends one message', async () => {
    const { wrapper, host } = await render();
    const pdf = new File([new Uint8Array(3000)], 'plan.pdf', { type: 'application/pdf' });
    await pick(wrapper.get('[data-testid="attach-input"]').element as HTMLInputElement, [pdf]);
    expect(wrapper.findAll('[data-testid="composer-file"]').map((c) => c.text())).toEqual(['plan.pdf3.0 KB']);
    // Files alone may be sent: the text is optional.
    expect(wrapper.get('[data-testid="send-button"]').attributes('disabled')).toBeUndefined();
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(host.requests.filter((r) => r.startsWith('POST'))).toEqual(['POST /attachments?name=plan.pdf', 'POST /messages']);
    expect(wrapper.find('[data-testid="composer-files"]').exists()).toBe(false);
    const sent = defined(defined(host.history.get('bob')).at(-1));
    expect(sent.attachments.map((a) => a.name)).toEqual(['plan.pdf']);
    const bubble = wrapper.get(`[data-testid="message-${sent.msg_id}"]`);
    expect(bubble.get('[data-testid="attachment-name"]').text()).toBe('plan.pdf');
    // bob is reachable: it is on its way.
    expect(bubble.get('[data-testid="attachment-status"]').text()).toBe('Sending · 0 bytes of 3.0 KB');
  });

  it('takes a pasted image and dropped files into the next message', async () => {
    const { wrapper } = await render();
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])], 'image.png', { type: 'image/png' });
    const box = wrapper.get('[data-testid="composer-input"]');
    box.element.dispatchEvent(withFiles(new Event('paste', { cancelable: true }), 'clipboardData', [png]));
    await flushPromises();
    expect(wrapper.findAll('[data-testid="composer-file"]')).toHaveLength(1);

    const view = wrapper.get('[data-testid="chat-view"]').element;
    const txt = new File(['hello'], 'a.txt', { type: 'text/plain' });
    view.dispatchEvent(withFiles(new Event('dragenter'), 'dataTransfer', [txt]));
    await flushPromises();
    expect(wrapper.find('[data-testid="drop-target"]').text()).toBe('Drop to send to bob');
    view.dispatchEvent(withFiles(new Event('drop', { cancelable: true }), 'dataTransfer', [txt]));
    await flushPromises();
    expect(wrapper.find('[data-testid="drop-target"]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid="composer-file"]').map((c) => c.find('.name').text())).toEqual(['image.png', 'a.txt']);
    await wrapper.get('[data-testid="composer-file-remove"]').trigger('click');
    expect(wrapper.findAll('[data-testid="composer-file"]').map((c) => c.find('.name').text())).toEqual(['a.txt']);
  });

  it('says at most ten files go in one message', async () => {
    const { wrapper } = await render();
    const many = Array.from({ length: 12 }, (_, i) => new File(['x'], `f${i}.txt`));
    await pick(wrapper.get('[data-testid="attach-input"]').element as HTMLInputElement, many);
    expect(wrapper.findAll('[data-testid="composer-file"]')).toHaveLength(10);
    expect(wrapper.get('[data-testid="composer-too-many"]').text()).toContain('at most 10 files');
  });

  it('a received file waits for the friend, shows progress, then can be downloaded', async () => {
    const { wrapper, host, ws, contacts } = await render(false);
    const incoming = message('bob', { text: '', attachments: [attachment()] });
    host.attachments.set('in-1', { attachment: attachment(), bytes: new Blob(['%PDF-1.7']) });
    ws.emit('new_message', incoming);
    await flushPromises();
    const row = () => wrapper.get('[data-testid="attachment-in-1"]');
    expect(row().get('[data-testid="attachment-status"]').text()).toBe('Waiting for bob to come online · 2.0 MB');
    expect(row().find('[data-testid="attachment-download"]').exists()).toBe(false);

    contacts.setOnline('bob', true);
    host.friends = [contact('bob', { online: true, path: 'tcp' })];
    await contacts.refresh();
    ws.emit('message_updated', { ...incoming, attachments: [attachment({ received_bytes: 500_000 })] });
    await flushPromises();
    expect(row().get('[data-testid="attachment-status"]').text()).toBe('Receiving · 500 KB of 2.0 MB');
    expect(row().get('[data-testid="attachment-progress"]').attributes('aria-valuenow')).toBe('25');

    defined(host.attachments.get('in-1')).attachment = attachment({ state: 'available', received_bytes: 2_000_000 });
    ws.emit('message_updated', { ...incoming, attachments: [attachment({ state: 'available', received_bytes: 2_000_000 })] });
    await flushPromises();
    expect(row().find('[data-testid="attachment-progress"]').exists()).toBe(false);
    await row().get('[data-testid="attachment-download"]').trigger('click');
    await flushPromises();
    expect(host.requests).toContain('GET /attachments/in-1');
  });

  it('cancels a file on its way and retries it', async () => {
    const { wrapper, host, ws } = await render();
    host.attachments.set('in-1', { attachment: attachment(), bytes: new Blob(['x']) });
    ws.emit('new_message', message('bob', { text: 'take this', attachments: [attachment()] }));
    await flushPromises();
    await wrapper.get('[data-testid="attachment-cancel"]').trigger('click');
    await flushPromises();
    expect(host.requests).toContain('POST /attachments/in-1/cancel');
    expect(wrapper.get('[data-testid="attachment-in-1"]').attributes('data-state')).toBe('failed');
    expect(wrapper.get('[data-testid="attachment-status"]').text()).toBe('Canceled');
    await wrapper.get('[data-testid="attachment-retry"]').trigger('click');
    await flushPromises();
    expect(host.requests).toContain('POST /attachments/in-1/retry');
    expect(wrapper.get('[data-testid="attachment-in-1"]').attributes('data-state')).toBe('receiving');
  });

  it('never shows an SVG as a picture, whatever its name and declared type', async () => {
    const { wrapper, host, ws } = await render();
    const svg = attachment({ attachment_id: 'in-svg', name: 'cat.png', mime: 'image/png', size: 60, state: 'available', received_bytes: 60 });
    host.attachments.set('in-svg', { attachment: svg, bytes: new Blob(['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>']) });
    ws.emit('new_message', message('bob', { text: '', attachments: [svg] }));
    await flushPromises();
    await flushPromises();
    expect(host.requests).toContain('GET /attachments/in-svg');
    const row = wrapper.get('[data-testid="attachment-in-svg"]');
    expect(row.attributes('data-kind')).toBe('file');
    expect(row.find('img').exists()).toBe(false);
    expect(document.querySelector('svg script')).toBeNull();
  });
});
