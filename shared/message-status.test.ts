import { describe, expect, it } from 'vitest';
import { isDelivered, isRead, isUnread, MESSAGE_STATUSES, maxStatus, sendResultStatus, statusesBefore, statusRank } from './message-status.js';

describe('message status', () => {
  it('orders queued → stored → delivered → read', () => {
    expect(MESSAGE_STATUSES.map(statusRank)).toEqual([0, 1, 2, 3]);
    expect(statusesBefore('queued')).toEqual([]);
    expect(statusesBefore('delivered')).toEqual(['queued', 'stored']);
    expect(statusesBefore('read')).toEqual(['queued', 'stored', 'delivered']);
  });

  it('maxStatus never goes backwards, whatever the arrival order', () => {
    for (const a of MESSAGE_STATUSES) {
      for (const b of MESSAGE_STATUSES) {
        const later = statusRank(a) > statusRank(b) ? a : b;
        expect(maxStatus(a, b)).toBe(later);
        expect(maxStatus(b, a)).toBe(later);
      }
    }
  });

  it('delivered covers read; unread is only a received message not yet seen', () => {
    expect(MESSAGE_STATUSES.filter(isDelivered)).toEqual(['delivered', 'read']);
    expect(MESSAGE_STATUSES.filter(isRead)).toEqual(['read']);
    expect(isUnread({ direction: 'received', read: false })).toBe(true);
    expect(isUnread({ direction: 'received', read: true })).toBe(false);
    expect(isUnread({ direction: 'sent', read: false })).toBe(false);
  });

  it('a send answers read as delivered', () => {
    expect(sendResultStatus('read')).toBe('delivered');
    expect(sendResultStatus('stored')).toBe('stored');
  });
});
