import * as z from 'zod';
import type { Message } from '../../../shared/contract.js';
import { LogOnce } from '../log-once.js';
import type { Logger } from '../logger.js';
import { itemId, timestamp } from '../peer/peer-protocol.js';
import type { MessageRow, MessagesRepo } from '../store/messages-repo.js';
import { offerSchema, type Offer } from './attachments/offers.js';
import type { EventBus } from './event-bus.js';
import type { ItemHandler } from './item-kinds.js';
import { shownTimestamp, textProblem } from './message-text.js';

/** The item kind of a chat message; its id is the message's msg_id. */
export const MESSAGE_KIND = 'message';

export interface MessageBody {
  timestamp: string;
  /** May be empty when the message carries attachments. */
  text: string;
  /** The msg_id it replies to; absent when it replies to nothing. */
  reply_to?: string;
  attachments?: Offer[];
}

/** What a message's attachments need on arrival: recorded inside its transaction, acted on after. */
export interface OfferIntake {
  /** Inside the transaction; returns what to do once it committed. */
  accept(from: string, msgId: string, offers: readonly Offer[]): () => void;
}

/**
 * Receiving chat messages: stored once per (sender, msg_id), announced as
 * `new_message` after the commit. A msg_id already used by anyone else is
 * refused, never merged. The text must pass the rule our own sends pass
 * (message-text.ts), and a send time far ahead of our clock is replaced by
 * the arrival time, logged with the time claimed. Changes that came before
 * the message apply as it is stored (`arrived`), so it is announced as it
 * now stands.
 */
export function messageItem(deps: {
  messages: Pick<MessagesRepo, 'insertReceived'>;
  bus: EventBus;
  self: () => string | null;
  maxTextLength: number;
  maxAttachments: number;
  offers: OfferIntake;
  arrived: (from: string, row: MessageRow) => MessageRow;
  view: (row: MessageRow) => Message;
  maxClockSkewMs: number;
  log: Logger;
  now?: () => number;
}): ItemHandler<MessageBody> {
  const schema = z
    .object({
      timestamp,
      text: z.string(),
      reply_to: itemId.optional(),
      attachments: z.array(offerSchema).min(1).max(deps.maxAttachments).optional(),
    })
    .refine((body) => textProblem(body.text, deps.maxTextLength, body.attachments !== undefined) === null);
  const clampedLogs = new LogOnce();
  const now = deps.now ?? Date.now;
  return {
    kind: MESSAGE_KIND,
    parse: (body) => {
      const parsed = schema.safeParse(body);
      return parsed.success ? parsed.data : null;
    },
    commit: (from, id, body, via) => {
      if (!deps.self()) return { ack: false, reason: 'not set up' };
      const { attachments, ...message } = body;
      const shown = shownTimestamp(body.timestamp, now(), deps.maxClockSkewMs);
      const { outcome, row } = deps.messages.insertReceived({ msg_id: id, peer: from, ...message, timestamp: shown.timestamp, delivery_method: via });
      if (outcome === 'conflict') return { ack: false, reason: 'its msg_id is already used by another message' };
      if (shown.clamped && outcome === 'inserted' && clampedLogs.shouldLog(from)) {
        deps.log.info('a friend dated a message outside what their clock can be: shown at its arrival time', { from, msg_id: id, claimed: body.timestamp.slice(0, 40) });
      }
      if (!row) return { ack: true };
      const stored = deps.arrived(from, row);
      // A deletion that came first leaves nothing to fetch.
      const accepted = attachments && !stored.deleted ? deps.offers.accept(from, id, attachments) : null;
      return {
        ack: true,
        announce: () => {
          deps.bus.emit('new_message', deps.view(stored));
          accepted?.();
        },
      };
    },
  };
}
