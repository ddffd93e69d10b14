import { defineStore } from 'pinia';
import type { Message } from '../../shared/contract.js';
import { myReaction } from '../utils/reactions.js';
import { useChatStore } from './chat.js';
import { useContactsStore } from './contacts.js';
import { useQuotesStore } from './quotes.js';
import { useSearchStore } from './search.js';
import { useSessionStore } from './session.js';

function peerOf(m: Message): string {
  return m.direction === 'received' ? m.from : m.to;
}

/** How a message looks once deleted for everyone. */
export function tombstone(m: Message): Message {
  return { ...m, text: '', deleted: true, reply_to: null, edited_at: null, reactions: [], attachments: [] };
}

/**
 * Edits, deletions for everyone and reactions: ours, sent to the host, and
 * everyone's, as `message_updated` events. Every copy of the message the UI
 * shows follows: the chat, the contact's preview, a quote, search results.
 */
export const useMessageChangesStore = defineStore('message-changes', () => {
  const session = useSessionStore();
  const chat = useChatStore();
  const contacts = useContactsStore();
  const quotes = useQuotesStore();
  const search = useSearchStore();

  /** The message as the host now has it (edited, deleted, reactions, attachment progress); its status never goes back. */
  function apply(m: Message): void {
    const peer = peerOf(m);
    chat.update(m);
    quotes.update(m);
    if (contacts.lastMessage[peer]?.msg_id === m.msg_id) contacts.replaceLast(peer, m);
    if (m.deleted) search.forget(m.msg_id);
  }

  async function edit(m: Message, text: string): Promise<void> {
    if (text === m.text) return;
    apply(await session.requireApi().editMessage(m.msg_id, text));
  }

  async function deleteForEveryone(m: Message): Promise<void> {
    await session.requireApi().deleteMessage(m.msg_id, { forEveryone: true });
    apply(tombstone(m));
  }

  /** One reaction per person: `emoji` becomes ours, or, if it already is, is taken back. */
  async function toggleReaction(m: Message, emoji: string): Promise<void> {
    const api = session.requireApi();
    apply(await (myReaction(m.reactions, peerOf(m)) === emoji ? api.unreact(m.msg_id, emoji) : api.react(m.msg_id, emoji)));
  }

  return { apply, edit, deleteForEveryone, toggleReaction };
});
