import * as z from 'zod';
import type { EventBus } from './event-bus.js';
import type { ItemHandler } from './item-kinds.js';
import { toMessage } from './message-view.js';
import { timestamp } from '../peer/peer-protocol.js';
import type { MessagesRepo } from '../store/messages-repo.js';

/** The item kind of a chat message; its id is the message's msg_id. */
export const MESSAGE_KIND = 'message';

export interface MessageBody {
  timestamp: string;
  text: string;
}

/**
 * Receiving chat messages: stored once per (sender, msg_id), announced as
 * `new_message` after the commit. A msg_id already used by anyone else is
 * refused, never merged.
 */
export function messageItem(deps: {
  messages: Pick<MessagesRepo, 'insertReceived'>;
  bus: EventBus;
  self: () => string | null;
  maxTextLength: number;
}): ItemHandler<MessageBody> {
  const schema = z.object({ timestamp, text: z.string().min(1).max(deps.maxTextLength) });
  return {
    kind: MESSAGE_KIND,
    parse: (body) => {
      const parsed = schema.safeParse(body);
      return parsed.success ? parsed.data : null;
    },
    commit: (from, id, body, via) => {
      const self = deps.self();
      if (!self) return { ack: false, reason: 'not set up' };
      const { outcome, row } = deps.messages.insertReceived({ msg_id: id, peer: from, ...body, delivery_method: via });
      if (outcome === 'conflict') return { ack: false, reason: 'its msg_id is already used by another message' };
      return { ack: true, announce: row && (() => deps.bus.emit('new_message', toMessage(row, self))) };
    },
  };
}
