import type { Message } from '../../shared/contract.js';

/** Life cycle of one piece of async UI state. */
export type AsyncState = 'idle' | 'loading' | 'error' | 'ready';

/**
 * A message as the chat shows it. `local` marks an optimistic send that the
 * host has not accepted yet (`sending`) or refused (`failed`).
 */
export type ChatMessage = Message & { local?: 'sending' | 'failed'; error?: string };

export interface Conversation {
  messages: ChatMessage[];
  hasMore: boolean;
  state: AsyncState;
  /** Loading an older page, separate from the first load. */
  olderState: AsyncState;
  error: string | null;
}

/** An error's message, for showing to the user. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
