import * as z from 'zod';
import type { OpenedEnvelope } from '../crypto/envelope.js';
import { itemFrameSchema, receiptFrameSchema, type ItemFrame } from '../peer/peer-protocol.js';
import { MESSAGE_KIND } from './message-item.js';

const decoder = new TextDecoder('utf-8', { fatal: true });
const sealedSchema = z.discriminatedUnion('type', [itemFrameSchema, receiptFrameSchema]);

/** What an envelope carries: an outbox item, or delivery receipts for items we sent. */
export type SealedContent = { type: 'item'; frame: ItemFrame } | { type: 'receipt'; ids: string[] };

/**
 * The frame an opened envelope carries. Version 2 seals the frame itself:
 * an item frame must name the id the envelope binds; a receipt frame's
 * envelope id is random and means nothing. Version 1 held a chat message's
 * timestamp and text. Null for anything else.
 */
export function sealedContent(opened: OpenedEnvelope): SealedContent | null {
  const { content, id } = opened;
  if (content.version === 1) {
    return { type: 'item', frame: { type: 'item', id, kind: MESSAGE_KIND, body: { timestamp: content.timestamp, text: content.text } } };
  }
  try {
    const parsed = sealedSchema.safeParse(JSON.parse(decoder.decode(content.payload)));
    if (!parsed.success) return null;
    if (parsed.data.type === 'receipt') return { type: 'receipt', ids: parsed.data.ids };
    return parsed.data.id === id ? { type: 'item', frame: parsed.data } : null;
  } catch {
    return null;
  }
}
