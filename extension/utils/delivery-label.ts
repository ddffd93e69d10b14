import { isDelivered } from '../../shared/message-status.js';
import type { ChatMessage } from '../stores/types.js';

export type DeliveryView = {
  key: string;
  label: string;
  icon: 'clock' | 'cloud' | 'check' | 'checks' | 'alert';
  /** Worth a line under the bubble: it has not reached the friend (yet). */
  note: boolean;
};

/** How a sent message's delivery state reads in its bubble. */
export function deliveryView(m: ChatMessage): DeliveryView {
  if (m.local === 'sending') return { key: 'sending', label: 'Sending…', icon: 'clock', note: true };
  if (m.local === 'failed') return { key: 'failed', label: 'Not sent', icon: 'alert', note: true };
  const via = m.delivery_method === 'direct' ? 'direct' : 'offline';
  const note = !isDelivered(m.status);
  switch (m.status) {
    case 'queued':
      return { key: 'queued', label: 'Queued · waiting for a route', icon: 'clock', note };
    case 'stored':
      return { key: 'stored', label: 'Stored offline · delivered when they connect', icon: 'cloud', note };
    case 'delivered':
      return { key: 'delivered', label: `Delivered · ${via}`, icon: 'check', note };
    case 'read':
      return { key: 'read', label: `Read · ${via}`, icon: 'checks', note };
  }
}
