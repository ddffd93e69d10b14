import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Message, MessageStatusEvent } from '../../shared/contract.js';
import { DEFAULT_PAGE_SIZE } from '../../shared/contract.js';
import { isUnread, maxStatus } from '../../shared/message-status.js';
import { TYPING_CLEAR_MS } from '../../shared/typing.js';
import { ExpiringFlags } from '../utils/expiring-flags.js';
import { useContactsStore } from './contacts.js';
import { useSessionStore } from './session.js';
import { addNewer, addOlder, emptyConversation, firstUnread, showAround, showLatest } from './history-window.js';
import { type ChatMessage, type Conversation, errorText } from './types.js';

/** Older pages loaded, at most, to find where unread messages start when a chat opens. */
const UNREAD_PAGES = 4;


export const useChatStore = defineStore('chat', () => {
  const session = useSessionStore();
  const contacts = useContactsStore();
  const activePeer = ref<string | null>(null);
  const conversations = ref<Record<string, Conversation>>({});
  const typing = ref<Record<string, boolean>>({});
  const pageSize = ref(DEFAULT_PAGE_SIZE);
  const typingExpiry = new ExpiringFlags(TYPING_CLEAR_MS, (username) => {
    typing.value = { ...typing.value, [username]: false };
  });
  /** Status events that arrived before the send they belong to returned its msg_id. */
  const earlyStatus = new Map<string, MessageStatusEvent>();
  let localSeq = 0;

  function conversation(peer: string): Conversation {
    let c = conversations.value[peer];
    if (!c) {
      conversations.value[peer] = emptyConversation();
      c = conversations.value[peer]!;
    }
    return c;
  }

  function open(peer: string | null): void {
    activePeer.value = peer;
    if (!peer) return;
    const c = conversation(peer);
    if (!c.messages.some((m) => m.direction === 'received' && !m.read)) c.unreadFrom = null;
    // From the contact list a chat opens at its newest messages, even if a search left it elsewhere.
    if (c.state === 'idle' || c.newer > 0) void loadLatest(peer);
  }

  async function loadLatest(peer: string): Promise<void> {
    const c = conversation(peer);
    c.state = 'loading';
    try {
      const page = await session.requireApi().messages(peer, { limit: pageSize.value });
      showLatest(c, page);
      // "New messages" goes where they start: when every loaded message is
      // unread, that is further up, a few pages at most.
      for (let i = 0; i < UNREAD_PAGES && c.hasMore && c.unreadFrom && c.unreadFrom === c.messages[0]?.msg_id; i++) {
        if ((await loadOlder(peer)) === 0) break;
        c.unreadFrom = firstUnread(c.messages);
      }
      c.error = null;
      c.state = 'ready';
      contacts.setFromHistory(peer, c.messages);
    } catch (err) {
      c.error = errorText(err);
      c.state = 'error';
    }
  }

  /** Prepends the page just older than the oldest message shown. */
  async function loadOlder(peer: string): Promise<number> {
    const c = conversation(peer);
    const oldest = c.messages.find((m) => !m.local);
    if (!c.hasMore || !oldest || c.olderState === 'loading') return 0;
    c.olderState = 'loading';
    try {
      const page = await session.requireApi().messages(peer, { limit: pageSize.value, before: oldest.msg_id });
      const added = addOlder(c, page);
      c.olderState = 'ready';
      return added;
    } catch (err) {
      c.error = errorText(err);
      c.olderState = 'error';
      return 0;
    }
  }

  /** Appends the page just newer than the window, when the window is not at the newest. */
  async function loadNewer(peer: string): Promise<number> {
    const c = conversation(peer);
    const newest = c.messages.findLast((m) => !m.local);
    if (c.newer === 0 || !newest || c.newerState === 'loading') return 0;
    c.newerState = 'loading';
    try {
      const added = addNewer(c, await session.requireApi().messages(peer, { limit: pageSize.value, after: newest.msg_id }));
      c.newerState = 'ready';
      return added;
    } catch (err) {
      c.error = errorText(err);
      c.newerState = 'error';
      return 0;
    }
  }

  /** Opens `peer`'s chat at `msgId` (a search result): the page around it, which the view brings into sight. */
  async function openAt(peer: string, msgId: string): Promise<void> {
    activePeer.value = peer;
    const c = conversation(peer);
    if (c.state === 'ready' && c.messages.some((m) => m.msg_id === msgId)) {
      c.focus = msgId;
      return;
    }
    c.state = 'loading';
    try {
      showAround(c, await session.requireApi().messages(peer, { limit: pageSize.value, around: msgId }), msgId);
      c.error = null;
      c.state = 'ready';
    } catch (err) {
      c.error = errorText(err);
      c.state = 'error';
    }
  }

  function findMessage(msgId: string): { c: Conversation; index: number } | null {
    for (const c of Object.values(conversations.value)) {
      const index = c.messages.findIndex((m) => m.msg_id === msgId);
      if (index >= 0) return { c, index };
    }
    return null;
  }

  /** Sends optimistically (as a reply to `replyTo`, when given); the bubble is in place before the host answers. */
  async function send(peer: string, text: string, replyTo: string | null = null): Promise<boolean> {
    if (!text.trim()) return false;
    const c = conversation(peer);
    const localId = `local-${++localSeq}`;
    c.messages.push({
      msg_id: localId, from: session.details?.username ?? '', to: peer, text, timestamp: new Date().toISOString(),
      direction: 'sent', delivered: false, delivery_method: 'offline', status: 'queued', read: false,
      reply_to: replyTo, edited_at: null, deleted: false, reactions: [], local: 'sending',
    });
    // Sending from an older part of the chat brings it back to the newest, where the new message goes.
    if (c.newer > 0) void loadLatest(peer);
    return deliver(peer, localId, text, replyTo);
  }

  async function deliver(peer: string, localId: string, text: string, replyTo: string | null): Promise<boolean> {
    const c = conversation(peer);
    try {
      const result = await session.requireApi().send(peer, text, replyTo ?? undefined);
      const i = c.messages.findIndex((m) => m.msg_id === localId);
      const already = c.messages.some((m) => m.msg_id === result.msg_id);
      if (!already) c.total += 1;
      if (i >= 0 && already) c.messages.splice(i, 1);
      else if (i >= 0) {
        const { local: _l, error: _e, ...rest } = c.messages[i]!;
        c.messages[i] = { ...rest, msg_id: result.msg_id, delivered: result.delivered, delivery_method: result.delivery_method, status: result.status };
      }
      const early = earlyStatus.get(result.msg_id);
      if (early) {
        earlyStatus.delete(result.msg_id);
        applyStatus(early);
      }
      const sent = c.messages.find((m) => m.msg_id === result.msg_id);
      if (sent) contacts.noteMessage(sent);
      return true;
    } catch (err) {
      const m = c.messages.find((x) => x.msg_id === localId);
      if (m) {
        m.local = 'failed';
        m.error = errorText(err);
      }
      return false;
    }
  }

  /** Sends a failed optimistic message again. */
  async function retry(peer: string, localId: string): Promise<boolean> {
    const m = conversation(peer).messages.find((x) => x.msg_id === localId && x.local === 'failed');
    if (!m) return false;
    m.local = 'sending';
    m.error = undefined;
    return deliver(peer, localId, m.text, m.reply_to);
  }

  /** An incoming message; duplicates (same msg_id) are ignored. */
  function receive(m: Message): boolean {
    const peer = m.direction === 'received' ? m.from : m.to;
    if (findMessage(m.msg_id)) return false;
    const c = conversation(peer);
    c.total += 1;
    // A window away from the newest grows at the bottom only when the user scrolls there.
    if (c.newer > 0) c.newer += 1;
    else c.messages.push(m);
    if (m.direction === 'received' && !m.read && activePeer.value !== peer) c.unreadFrom ??= m.msg_id;
    contacts.noteIncoming(m);
    setTyping(peer, false);
    return true;
  }

  function applyStatus(ev: MessageStatusEvent): void {
    const hit = findMessage(ev.msg_id);
    if (!hit) {
      earlyStatus.set(ev.msg_id, ev);
      return;
    }
    const m = hit.c.messages[hit.index]!;
    // Events and the send's own answer can cross: a late report never moves a message back.
    if (maxStatus(m.status, ev.status) !== ev.status) return;
    hit.c.messages[hit.index] = { ...m, delivered: ev.delivered, delivery_method: ev.delivery_method, status: ev.status };
  }

  /**
   * Tells the host everything from `peer` is read (the newest unread
   * received message covers all older ones) and clears the count.
   */
  function markRead(peer: string): boolean {
    const c = conversations.value[peer];
    const unreadMsgs = c?.messages.filter(isUnread) ?? [];
    const newest = unreadMsgs.at(-1);
    if (!newest) {
      contacts.clearUnread(peer);
      return false;
    }
    if (!session.events?.markRead(peer, newest.msg_id)) return false;
    for (const m of unreadMsgs) m.read = true;
    contacts.clearUnread(peer);
    return true;
  }

  function setTyping(username: string, isTyping: boolean): void {
    typing.value = { ...typing.value, [username]: isTyping };
    typingExpiry.touch(username, isTyping);
  }

  async function remove(peer: string, msgId: string): Promise<void> {
    const c = conversation(peer);
    const target = c.messages.find((m) => m.msg_id === msgId);
    if (!target) return;
    if (!target.local) await session.requireApi().deleteMessage(msgId);
    c.messages = c.messages.filter((m) => m.msg_id !== msgId);
    if (!target.local) c.total -= 1;
    if (contacts.lastMessage[peer]?.msg_id === msgId) contacts.replaceLast(peer, c.messages.filter((m) => !m.local).at(-1));
  }

  /** Drops a removed friend's chat. */
  function forget(peer: string): void {
    const { [peer]: _drop, ...rest } = conversations.value;
    conversations.value = rest;
    if (activePeer.value === peer) activePeer.value = null;
  }

  return {
    activePeer, conversations, typing, pageSize,
    conversation, open, loadLatest, loadOlder, loadNewer, openAt, send, retry, receive, applyStatus, markRead, setTyping, remove, forget,
  };
});
