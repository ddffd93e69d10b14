import { defineStore } from 'pinia';
import { ref } from 'vue';
import { ApiError } from '../../shared/api-client.js';
import type { Message } from '../../shared/contract.js';
import { useChatStore } from './chat.js';
import { useSessionStore } from './session.js';

/**
 * The messages replies quote. Most are in the loaded part of the chat; the
 * others are asked for once each (`around=<id>&limit=1`) and kept, updated
 * by edits and deletions like any message shown.
 */
export const useQuotesStore = defineStore('quotes', () => {
  const session = useSessionStore();
  const chat = useChatStore();
  /** Fetched quotes by msg_id; null: the host has no such message in that chat. */
  const fetched = ref<Record<string, Message | null>>({});
  const asking = new Set<string>();

  /** The quoted message: a Message, null when it is not on the host, undefined while not known yet. */
  function quoted(peer: string, msgId: string): Message | null | undefined {
    return chat.conversations[peer]?.messages.find((m) => m.msg_id === msgId && !m.local) ?? fetched.value[msgId];
  }

  /** Asks the host for a quote not loaded yet; once per message, again only after a failure. */
  async function load(peer: string, msgId: string): Promise<void> {
    if (quoted(peer, msgId) !== undefined || asking.has(msgId)) return;
    asking.add(msgId);
    try {
      const page = await session.requireApi().messages(peer, { around: msgId, limit: 1 });
      fetched.value[msgId] = page.messages.find((m) => m.msg_id === msgId) ?? null;
    } catch (err) {
      // An anchor the host does not know (deleted here, or never arrived) is a 400.
      if (err instanceof ApiError && err.status === 400) fetched.value[msgId] = null;
    } finally {
      asking.delete(msgId);
    }
  }

  /** A message changed: a fetched copy follows. */
  function update(m: Message): void {
    if (fetched.value[m.msg_id] !== undefined) fetched.value[m.msg_id] = m;
  }

  return { fetched, quoted, load, update };
});
