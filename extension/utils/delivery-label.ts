import type { ChatMessage } from '../stores/types.js';

export type DeliveryView = { key: string; label: string; icon: 'clock' | 'cloud' | 'check' | 'checks' | 'alert' };

/** How a sent message's delivery state reads in its bubble. */
export function deliveryView(m: ChatMessage): DeliveryView {
  if (m.local === 'sending') return { key: 'sending', label: 'Sending…', icon: 'clock' };
  if (m.local === 'failed') return { key: 'failed', label: 'Not sent', icon: 'alert' };
  const via = m.delivery_method === 'direct' ? 'direct' : 'offline';
  switch (m.status) {
    case 'queued':
      return { key: 'queued', label: 'Queued · waiting for a route', icon: 'clock' };
    case 'stored':
      return { key: 'stored', label: 'Stored offline · delivered when they connect', icon: 'cloud' };
    case 'delivered':
      return { key: 'delivered', label: `Delivered · ${via}`, icon: 'check' };
    case 'read':
      return { key: 'read', label: `Read · ${via}`, icon: 'checks' };
  }
}
