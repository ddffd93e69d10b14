import { describe, expect, it } from 'vitest';
import { MESSAGE_STATUSES } from '../../shared/message-status.js';
import type { ChatMessage } from '../stores/types.js';
import { deliveryView } from './delivery-label.js';

const sent = (over: Partial<ChatMessage>): ChatMessage => ({
  msg_id: 'm1', from: 'alice', to: 'bob', text: 'hi', timestamp: '2026-06-15T10:00:00.000Z',
  direction: 'sent', delivered: false, delivery_method: 'offline', status: 'queued', read: false,
  reply_to: null, edited_at: null, deleted: false, reactions: [], attachments: [], ...over,
});

describe('deliveryView', () => {
  it('has a view for every status, and a note only until the friend has it', () => {
    const views = MESSAGE_STATUSES.map((status) => deliveryView(sent({ status })));
    expect(views.map((v) => v.key)).toEqual(['queued', 'stored', 'delivered', 'read']);
    expect(views.map((v) => v.note)).toEqual([true, true, false, false]);
  });

  it('names the route once delivered, and shows local states first', () => {
    expect(deliveryView(sent({ status: 'delivered', delivery_method: 'direct' })).label).toBe('Delivered · direct');
    expect(deliveryView(sent({ status: 'read', delivery_method: 'offline' })).label).toBe('Read · offline');
    expect(deliveryView(sent({ status: 'delivered', local: 'failed' }))).toMatchObject({ key: 'failed', note: true });
  });
});
