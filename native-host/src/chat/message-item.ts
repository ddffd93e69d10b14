import * as z from 'zod';
import { LogOnce } from '../log-once.js';
import type { Logger } from '../logger.js';
import type { EventBus } from './event-bus.js';
import type { ItemHandler } from './item-kinds.js';
import { shownTimestamp, textProblem } from './message-text.js';
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
 * refused, never merged. The text must pass the rule our own sends pass
 * (message-text.ts), and a send time far ahead of our clock is replaced by
 * the arrival time, logged with the time claimed.
 */
export function messageItem(deps: {
  messages: Pick<MessagesRepo, 'insertReceived'>;
  bus: EventBus;
  self: () => string | null;
  maxTextLength: number;
  maxClockSkewMs: number;
  log: Logger;
  now?: () => number;
}): ItemHandler<MessageBody> {
  const schema = z.object({ timestamp, text: z.string().refine((text) => textProblem(text, deps.maxTextLength) === null) });
  const clampedLogs = new LogOnce();
  const now = deps.now ?? Date.now;
  return {
    kind: MESSAGE_KIND,
    parse: (body) => {
      const parsed = schema.safeParse(body);
      return parsed.success ? parsed.data : null;
    },
    commit: (from, id, body, via) => {
      const self = deps.self();
      if (!self) return { ack: false, reason: 'not set up' };
      const shown = shownTimestamp(body.timestamp, now(), deps.maxClockSkewMs);
      const { outcome, row } = deps.messages.insertReceived({ msg_id: id, peer: from, text: body.text, timestamp: shown.timestamp, delivery_method: via });
      if (outcome === 'conflict') return { ack: false, reason: 'its msg_id is already used by another message' };
      if (shown.clamped && outcome === 'inserted' && clampedLogs.shouldLog(from)) {
        deps.log.info('a friend dated a message outside what their clock can be: shown at its arrival time', { from, msg_id: id, claimed: body.timestamp.slice(0, 40) });
      }
      return { ack: true, announce: row && (() => deps.bus.emit('new_message', toMessage(row, self))) };
    },
  };
}
