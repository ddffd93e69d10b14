import { randomUUID } from 'node:crypto';
import type { Message } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { errors } from '../errors.js';
import type { MessageChangesRepo } from '../store/message-changes-repo.js';
import type { MessageRow, MessagesRepo } from '../store/messages-repo.js';
import type { OutboxItem } from '../store/outbox-repo.js';
import { DELETE_KIND, EDIT_KIND, REACTION_KIND, type DeleteBody, type EditBody, type ReactionBody } from './change-items.js';
import type { Contacts } from './contacts.js';
import { requireText } from './message-text.js';
import type { MessageViews } from './message-views.js';
import type { NewItem } from './outbox-item.js';
import type { Outbox } from './outbox.js';

/**
 * Our changes to messages: editing and deleting for everyone our own
 * messages, reacting to any. Each commits the change and its outbox item
 * together (so the friend gets it for sure, live or through the mailbox),
 * replaces unconfirmed items it makes moot, and tells every client.
 */
export class MessageChanges {
  constructor(
    private readonly deps: {
      messages: Pick<MessagesRepo, 'get'>;
      changes: Pick<MessageChangesRepo, 'editOwn' | 'tombstone' | 'reaction' | 'setReaction'>;
      outbox: Pick<Outbox, 'add' | 'drain' | 'replace'>;
      contacts: Pick<Contacts, 'require'>;
      commit: <T>(write: () => T) => Promise<T>;
      views: Pick<MessageViews, 'one' | 'updated'>;
      /** Inside the commit of a deletion for everyone: the message's attachments go. */
      withdrawAttachments: (msgId: string) => void;
      self: () => string | null;
      limits: Pick<Limits, 'maxTextLength'>;
    },
  ) {}

  async edit(msgId: string, text: string): Promise<Message> {
    const row = this.changeable(msgId, { own: true });
    requireText(text, this.deps.limits.maxTextLength);
    if (text === row.text) return this.deps.views.one(row);
    await this.send(row, () => {
      const editedAt = new Date().toISOString();
      const version = this.deps.changes.editOwn(row.id, text, editedAt);
      if (version === null) throw errors.messageDeleted(msgId);
      this.deps.outbox.replace(msgId, [EDIT_KIND]);
      const body: EditBody = { msg_id: msgId, text, version, edited_at: editedAt };
      return { kind: EDIT_KIND, body, msgId };
    });
    return this.current(msgId);
  }

  /** The friend's copy becomes a tombstone too. Deleting what is already deleted changes nothing. */
  async deleteForEveryone(msgId: string): Promise<void> {
    const row = this.changeable(msgId, { own: true, deleted: true });
    if (row.deleted) return;
    await this.send(row, () => {
      if (!this.deps.changes.tombstone(row.id)) return null;
      this.deps.withdrawAttachments(msgId);
      this.deps.outbox.replace(msgId, [EDIT_KIND, REACTION_KIND]);
      const body: DeleteBody = { msg_id: msgId };
      // Not tied to the message: deleting our tombstone later must not take this back.
      return { kind: DELETE_KIND, body };
    });
  }

  /** Our one reaction on the message becomes `emoji` (null: none). */
  async react(msgId: string, emoji: string | null): Promise<Message> {
    const row = this.changeable(msgId, { own: false });
    await this.send(row, () => {
      const now = this.deps.changes.reaction(row.id, true);
      if ((now?.emoji ?? null) === emoji) return null;
      const version = (now?.version ?? 0) + 1;
      this.deps.changes.setReaction(row.id, true, emoji, version);
      this.deps.outbox.replace(msgId, [REACTION_KIND]);
      const body: ReactionBody = { msg_id: msgId, emoji, version };
      return { kind: REACTION_KIND, body, msgId };
    });
    return this.current(msgId);
  }

  /** Takes our reaction back if it is `emoji`; any other leaves it as it is. */
  async unreact(msgId: string, emoji: string): Promise<Message> {
    const row = this.changeable(msgId, { own: false });
    if (this.deps.changes.reaction(row.id, true)?.emoji !== emoji) return this.deps.views.one(row);
    return this.react(msgId, null);
  }

  /** A message we may change: it exists, is ours when `own`, its chat is a friend's, and it is not deleted (unless `deleted` allows it). */
  private changeable(msgId: string, may: { own: boolean; deleted?: boolean }): MessageRow {
    if (!this.deps.self()) throw errors.notSetUp();
    const row = this.deps.messages.get(msgId);
    if (!row) throw errors.messageNotFound(msgId);
    if (may.own && row.direction !== 'sent') throw errors.notYourMessage(msgId);
    this.deps.contacts.require(row.peer);
    if (row.deleted && !may.deleted) throw errors.messageDeleted(msgId);
    return row;
  }

  /**
   * Commits `change` (which returns the item to send, or null when nothing
   * changed) with its outbox item in one transaction, then sends it and
   * announces the message.
   */
  private async send(row: MessageRow, change: () => Pick<NewItem, 'kind' | 'msgId'> & { body: object } | null): Promise<void> {
    const item = await this.deps.commit((): OutboxItem | null => {
      const made = change();
      return made && this.deps.outbox.add({ id: randomUUID(), peer: row.peer, ...made, body: { ...made.body } });
    });
    if (!item) return;
    this.deps.outbox.drain(row.peer, [item]);
    this.deps.views.updated(row.msg_id);
  }

  private current(msgId: string): Message {
    const row = this.deps.messages.get(msgId);
    if (!row) throw errors.messageNotFound(msgId);
    return this.deps.views.one(row);
  }
}
