import type { Limits } from '../config/limits.js';
import type { Logger } from '../logger.js';
import type { EarlyChangesRepo } from '../store/early-changes-repo.js';
import type { MessageChangesRepo } from '../store/message-changes-repo.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import { changeItems } from './change-items.js';
import type { EventBus } from './event-bus.js';
import type { ItemKinds } from './item-kinds.js';
import { messageItem, type OfferIntake } from './message-item.js';
import type { MessageViews } from './message-views.js';

/** Registers the item kinds of chat messages: the messages themselves, and their edits, deletions and reactions. */
export function registerMessageKinds(
  kinds: ItemKinds,
  deps: {
    messages: Pick<MessagesRepo, 'insertReceived' | 'get'>;
    changes: Pick<MessageChangesRepo, 'applyEdit' | 'tombstone' | 'setReaction'>;
    early: EarlyChangesRepo;
    bus: EventBus;
    views: Pick<MessageViews, 'one' | 'updated'>;
    self: () => string | null;
    limits: Pick<Limits, 'maxTextLength' | 'maxAttachmentsPerMessage' | 'maxClockSkewMs' | 'maxEarlyChanges' | 'earlyChangeTtlMs'>;
    offers: OfferIntake;
    /** Inside the commit of a deletion for everyone: the message's attachments go. */
    withdrawAttachments: (msgId: string) => void;
    log: Logger;
  },
): void {
  const { views } = deps;
  const changes = changeItems({ ...deps, updated: (msgId) => views.updated(msgId) });
  const view = (row: Parameters<MessageViews['one']>[0]) => views.one(row);
  kinds.register(
    messageItem({ ...deps, maxTextLength: deps.limits.maxTextLength, maxAttachments: deps.limits.maxAttachmentsPerMessage, maxClockSkewMs: deps.limits.maxClockSkewMs, arrived: changes.arrived, view }),
  );
  for (const handler of changes.handlers) kinds.register(handler);
}
