import * as z from 'zod';
import { isSingleEmoji } from '../../../shared/emoji.js';
import type { Limits } from '../config/limits.js';
import type { Logger } from '../logger.js';
import { itemId, timestamp } from '../peer/peer-protocol.js';
import type { EarlyChangesRepo } from '../store/early-changes-repo.js';
import type { MessageChangesRepo } from '../store/message-changes-repo.js';
import type { MessageRow, MessagesRepo } from '../store/messages-repo.js';
import type { Committed, ItemHandler } from './item-kinds.js';
import { textProblem } from './message-text.js';

/** Item kinds that change a message both sides have; each body names it by `msg_id`. */
export const EDIT_KIND = 'edit';
export const DELETE_KIND = 'delete';
export const REACTION_KIND = 'reaction';

/** The author's edit number `version` (1, 2, …): the highest wins. */
export interface EditBody {
  msg_id: string;
  text: string;
  version: number;
  edited_at: string;
}

/** Deleted for everyone; final. */
export interface DeleteBody {
  msg_id: string;
}

/** The sender's reaction (null: taken back) and the sender's count of changes to it: the highest wins. */
export interface ReactionBody {
  msg_id: string;
  emoji: string | null;
  version: number;
}

interface ChangeKind<B extends { msg_id: string }> {
  kind: string;
  schema: z.ZodType<B>;
  /** Only the message's author may make it (edits, deletions); either side may react. */
  authorOnly: boolean;
  /** Applies the change to a message of the sender's chat; whether anything changed. */
  apply(row: MessageRow, body: B): boolean;
  /** Of two changes kept for a message not here yet, whether `body` replaces `kept`. */
  replaces(body: B, kept: B): boolean;
}

const version = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/**
 * Receiving edits, deletions for everyone and reactions. Each is checked
 * (the message must be in the sender's chat; edits and deletions must be
 * the sender's own message) and applied only if newer than what is stored,
 * so repeats, mailbox replays and late copies change nothing, and an edit
 * after a deletion is ignored. A change for a message that has not arrived
 * is kept (the newest per kind, at most `maxEarlyChanges` per friend, for
 * `earlyChangeTtlMs`) and applied when it arrives; past those bounds it is
 * dropped, logged, and still acked.
 */
export function changeItems(deps: {
  messages: Pick<MessagesRepo, 'get'>;
  changes: Pick<MessageChangesRepo, 'applyEdit' | 'tombstone' | 'setReaction'>;
  early: EarlyChangesRepo;
  /** After the commit: tell clients the message changed. */
  updated: (msgId: string) => void;
  /** Inside the commit of a deletion for everyone: the message's attachments go. */
  withdrawAttachments: (msgId: string) => void;
  limits: Pick<Limits, 'maxTextLength' | 'maxEarlyChanges' | 'earlyChangeTtlMs'>;
  log: Logger;
}): { handlers: ItemHandler[]; arrived: (from: string, row: MessageRow) => MessageRow } {
  const edit: ChangeKind<EditBody> = {
    kind: EDIT_KIND,
    schema: z.object({ msg_id: itemId, text: z.string().refine((text) => textProblem(text, deps.limits.maxTextLength) === null), version, edited_at: timestamp }),
    authorOnly: true,
    apply: (row, body) => deps.changes.applyEdit(row.id, body.text, body.edited_at, body.version),
    replaces: (body, kept) => body.version > kept.version,
  };
  const deletion: ChangeKind<DeleteBody> = {
    kind: DELETE_KIND,
    schema: z.object({ msg_id: itemId }),
    authorOnly: true,
    apply: (row) => {
      if (!deps.changes.tombstone(row.id)) return false;
      deps.withdrawAttachments(row.msg_id);
      return true;
    },
    replaces: () => false,
  };
  const reaction: ChangeKind<ReactionBody> = {
    kind: REACTION_KIND,
    schema: z.object({ msg_id: itemId, emoji: z.string().refine(isSingleEmoji).nullable(), version }),
    authorOnly: false,
    apply: (row, body) => !row.deleted && deps.changes.setReaction(row.id, false, body.emoji, body.version),
    replaces: (body, kept) => body.version > kept.version,
  };

  function keepEarly<B extends { msg_id: string }>(from: string, def: ChangeKind<B>, body: B): Committed {
    const now = Date.now();
    deps.early.purge(now - deps.limits.earlyChangeTtlMs);
    const kept = deps.early.get(from, body.msg_id, def.kind);
    if (kept !== undefined) {
      const parsed = def.schema.safeParse(JSON.parse(kept));
      if (parsed.success && !def.replaces(body, parsed.data)) return { ack: true };
    } else if (deps.early.count(from) >= deps.limits.maxEarlyChanges) {
      deps.log.info('dropped a change to a message that has not arrived', { from, kind: def.kind, msg_id: body.msg_id });
      return { ack: true };
    }
    deps.early.put(from, body.msg_id, def.kind, JSON.stringify(body), now);
    return { ack: true };
  }

  function handler<B extends { msg_id: string }>(def: ChangeKind<B>): ItemHandler<B> {
    return {
      kind: def.kind,
      parse: (body) => {
        const parsed = def.schema.safeParse(body);
        return parsed.success ? parsed.data : null;
      },
      commit: (from, _id, body) => {
        const row = deps.messages.get(body.msg_id);
        if (!row) return keepEarly(from, def, body);
        if (row.peer !== from) return { ack: false, reason: `${def.kind} of a message that is not in this chat` };
        if (def.authorOnly && row.direction !== 'received') return { ack: false, reason: `${def.kind} of a message the sender did not write` };
        return def.apply(row, body) ? { ack: true, announce: () => deps.updated(row.msg_id) } : { ack: true };
      },
    };
  }

  /** A message from `from` was just stored: the changes that came before it apply now (a deletion makes the rest moot). */
  function arrived(from: string, row: MessageRow): MessageRow {
    const kept = deps.early.take(from, row.msg_id);
    if (kept.length === 0) return row;
    const body = (kind: string) => kept.find((change) => change.kind === kind)?.body;
    const apply = <B extends { msg_id: string }>(def: ChangeKind<B>, json: string | undefined) => {
      const parsed = json === undefined ? undefined : def.schema.safeParse(JSON.parse(json));
      return parsed?.success === true && def.apply(row, parsed.data);
    };
    if (!apply(deletion, body(DELETE_KIND))) {
      apply(edit, body(EDIT_KIND));
      apply(reaction, body(REACTION_KIND));
    }
    return deps.messages.get(row.msg_id) ?? row;
  }

  return { handlers: [handler(edit), handler(deletion), handler(reaction)], arrived };
}
