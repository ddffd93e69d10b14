import type { Message } from '../../shared/contract.js';

/** Life cycle of one piece of async UI state. */
export type AsyncState = 'idle' | 'loading' | 'error' | 'ready';

/**
 * A message as the chat shows it. `local` marks an optimistic send that the
 * host has not accepted yet (`sending`) or refused (`failed`).
 */
export type ChatMessage = Message & { local?: 'sending' | 'failed'; error?: string };

/** What a message's actions ask for, by msg_id; the bubble passes them up to the chat view. */
export type MessageActionEvents = {
  delete: [msgId: string];
  retry: [msgId: string];
  reply: [msgId: string];
  edit: [msgId: string];
  react: [msgId: string, emoji: string];
};

/** The composer replying to a message, or editing one of ours, instead of writing a new one. */
export type ComposerContext = { kind: 'reply' | 'edit'; message: ChatMessage };

/**
 * The loaded part of one chat: a contiguous window of its history, the
 * newest page unless the user jumped to an older message (then `newer` > 0
 * until they scroll or jump back down).
 */
export interface Conversation {
  messages: ChatMessage[];
  /** Older messages exist on the host beyond the window. */
  hasMore: boolean;
  /** Messages on the host newer than the window (0: the window ends at the newest). */
  newer: number;
  /** All messages in the chat on the host. */
  total: number;
  state: AsyncState;
  /** Loading an older page, separate from the first load. */
  olderState: AsyncState;
  /** Loading a newer page. */
  newerState: AsyncState;
  error: string | null;
  /** The first message that was unread when the chat was loaded: where "New messages" goes. */
  unreadFrom: string | null;
  /** A message to bring into view (a search result), until the view has done so. */
  focus: string | null;
}

/** An error's message, for showing to the user. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
