import { describe, expect, it } from 'vitest';
import type { Attachment } from '../../shared/contract.js';
import { attachmentStatus, attachmentsSummary } from './attachment-status.js';
import { formatBytes } from './file-size.js';

const file = (over: Partial<Attachment> = {}): Attachment => ({
  attachment_id: 'a1', name: 'report.pdf', size: 2_400_000, mime: 'application/pdf', state: 'sending',
  received_bytes: 0, hash: 'h', error: null, mailbox: false, ...over,
});
const online = { online: true, path: 'tcp' as const };
const offline = { online: false, path: null };
const ctx = (over = {}) => ({ direction: 'sent' as const, local: undefined, messageStatus: 'delivered' as const, peer: 'bob', contact: online, ...over });

describe('attachmentStatus', () => {
  it('says a large file waits for the friend to come online, with no route to them', () => {
    expect(attachmentStatus(file(), ctx({ contact: offline }))).toMatchObject({ phase: 'waiting', label: 'Waiting for bob to come online · 2.4 MB', canCancel: true, progress: null });
    // Online by presence but no connection reaches them: still waiting.
    expect(attachmentStatus(file(), ctx({ contact: { online: true, path: null } })).phase).toBe('waiting');
    expect(attachmentStatus(file({ direction: undefined } as never), ctx({ direction: 'received', contact: offline })).label).toBe('Waiting for bob to come online · 2.4 MB');
  });

  it('shows progress both ways while bytes move', () => {
    const view = attachmentStatus(file({ received_bytes: 600_000 }), ctx());
    expect(view).toMatchObject({ phase: 'moving', label: 'Sending · 600 KB of 2.4 MB', progress: 0.25, canCancel: true });
    expect(attachmentStatus(file({ state: 'receiving', received_bytes: 1_200_000 }), ctx({ direction: 'received' })).label).toBe('Receiving · 1.2 MB of 2.4 MB');
  });

  it('a small file through the mailbox', () => {
    expect(attachmentStatus(file({ mailbox: true, size: 20_000 }), ctx({ messageStatus: 'stored', contact: offline })).label).toBe("In bob's mailbox · 20 KB");
    expect(attachmentStatus(file({ mailbox: true, state: 'receiving', size: 20_000 }), ctx({ direction: 'received', contact: offline })).label).toBe('Arriving · 0 bytes of 20 KB');
  });

  it('done, failed, and still being sent by the page', () => {
    expect(attachmentStatus(file({ state: 'available', received_bytes: 2_400_000 }), ctx())).toMatchObject({ phase: 'done', label: '2.4 MB', canOpen: true });
    expect(attachmentStatus(file({ state: 'receiving' }), ctx({ direction: 'received' })).canOpen).toBe(false);
    expect(attachmentStatus(file({ state: 'failed', error: 'Canceled' }), ctx())).toMatchObject({ phase: 'failed', label: 'Canceled', canRetry: true });
    expect(attachmentStatus(file(), ctx({ local: 'sending' }))).toMatchObject({ phase: 'uploading', canOpen: false, canCancel: false });
  });
});

describe('sizes and summaries', () => {
  it('formats sizes as file managers do', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1000)).toBe('1.0 KB');
    expect(formatBytes(52_428_800)).toBe('52 MB');
    expect(formatBytes(500 * 1024 * 1024)).toBe('524 MB');
  });

  it('summarises attachments for a preview line', () => {
    expect(attachmentsSummary([])).toBe('');
    expect(attachmentsSummary([{ name: 'a.png' }])).toBe('📎 a.png');
    expect(attachmentsSummary([{ name: 'a.png' }, { name: 'b.pdf' }])).toBe('📎 2 files');
  });
});
