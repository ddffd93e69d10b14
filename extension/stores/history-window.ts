import type { MessagesResponse } from '../../shared/contract.js';
import type { ChatMessage, Conversation } from './types.js';

/**
 * How pages from the host join the loaded window of a chat. The window is
 * always contiguous: older pages go on top, newer ones at the bottom, and a
 * jump replaces it. Pure functions over a Conversation, so the store stays
 * about when to load, and this about how pages fit.
 */

export function emptyConversation(): Conversation {
  return {
    messages: [], hasMore: false, newer: 0, total: 0, state: 'idle', olderState: 'idle', newerState: 'idle',
    error: null, unreadFrom: null, focus: null,
  };
}

/** The first received message not read yet. */
export function firstUnread(messages: readonly ChatMessage[]): string | null {
  return messages.find((m) => m.direction === 'received' && !m.read)?.msg_id ?? null;
}

/**
 * The newest page becomes the window. Messages that arrived or were sent
 * while it loaded are kept after it, when the old window ended at the newest.
 */
export function showLatest(c: Conversation, page: MessagesResponse): void {
  const known = new Set(page.messages.map((m) => m.msg_id));
  const extra = c.newer === 0 ? c.messages.filter((m) => !known.has(m.msg_id)) : c.messages.filter((m) => m.local);
  c.messages = [...page.messages, ...extra];
  c.hasMore = page.has_more;
  c.newer = 0;
  // What arrived after the host read the page is not in its total.
  c.total = page.total + extra.filter((m) => !m.local).length;
  c.unreadFrom = firstUnread(c.messages);
}

/** A page around `focus` becomes the window. */
export function showAround(c: Conversation, page: MessagesResponse, focus: string): void {
  const local = c.messages.filter((m) => m.local);
  c.messages = page.newer === 0 ? [...page.messages, ...local] : page.messages;
  c.hasMore = page.has_more;
  c.newer = page.newer;
  c.total = page.total;
  c.unreadFrom = firstUnread(c.messages);
  c.focus = focus;
}

/** Puts an older page on top of the window; returns how many messages it added. */
export function addOlder(c: Conversation, page: MessagesResponse): number {
  const known = new Set(c.messages.map((m) => m.msg_id));
  const older = page.messages.filter((m) => !known.has(m.msg_id));
  c.messages = [...older, ...c.messages];
  c.hasMore = page.has_more;
  c.total = page.total;
  return older.length;
}

/** Puts a newer page under the window (before optimistic sends); returns how many it added. */
export function addNewer(c: Conversation, page: MessagesResponse): number {
  const known = new Set(c.messages.map((m) => m.msg_id));
  const newer = page.messages.filter((m) => !known.has(m.msg_id));
  const local = c.messages.filter((m) => m.local);
  c.messages = [...c.messages.filter((m) => !m.local), ...newer, ...local];
  c.newer = page.newer;
  c.total = page.total;
  return newer.length;
}
