import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Attachment, Message, MessageStatusEvent, SendResult } from '../../shared/contract.js';
import { DEFAULT_PAGE_SIZE } from '../../shared/contract.js';
import { isUnread, maxStatus } from '../../shared/message-status.js';
import { TYPING_CLEAR_MS } from '../../shared/typing.js';
import { ExpiringFlags } from '../utils/expiring-flags.js';
import { useAttachmentsStore } from './attachments.js';
import { useContactsStore } from './contacts.js';
import { useSessionStore } from './session.js';
import { addNewer, addOlder, emptyConversation, firstUnread, showAround, showLatest } from './history-window.js';
import { type Conversation, errorText } from './types.js';
import { defined } from '../../shared/defined.js';

/** Older pages loaded, at most, to find where unread messages start when a chat opens. */
const UNREAD_PAGES = 4;


export const useChatStore = defineStore('chat', () => {
  const session = useSessionStore();
  const contacts = useContactsStore();
  const files = useAttachmentsStore();
  const activePeer = ref<string | null>(null);
  const conversations = ref<Record<string, Conversation>>({});
  const typing = ref<Record<string, boolean>>({});
  const pageSize = ref(DEFAULT_PAGE_SIZE);
  const typingExpiry = new ExpiringFlags(TYPING_CLEAR_MS, (username) => {
    typing.value = { ...typing.value, [username]: false };
  });
  /** Status events that arrived before the send they belong to returned its msg_id. */
  const earlyStatus = new Map<string, MessageStatusEvent>();
  /** The files of messages this page is still sending, by local id: kept for a retry. */
  const outgoingFiles = new Map<string, File[]>();
  let localSeq = 0;

  function conversation(peer: string): Conversation {
    let c = conversations.value[peer];
    if (!c) {
      conversations.value[peer] = emptyConversation();
      c = defined(conversations.value[peer]);
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

  /**
   * Sends optimistically (as a reply to `replyTo`, when given); the bubble
   * is in place before the host answers. Files are uploaded first (their
   * pictures made from the page's own copy), then sent with the text in
   * one message.
   */
  async function send(peer: string, text: string, options: { replyTo?: string | null; files?: readonly File[] } = {}): Promise<boolean> {
    const { replyTo = null, files: attach = [] } = options;
    if (!text.trim() && attach.length === 0) return false;
    const c = conversation(peer);
    const localId = `local-${++localSeq}`;
    const attachments: Attachment[] = attach.map((file, i) => ({
      attachment_id: `${localId}-${i}`, name: file.name || 'file', size: file.size, mime: file.type || 'application/octet-stream',
      state: 'sending', received_bytes: 0, hash: '', error: null, mailbox: false,
    }));
    attachments.forEach((a, i) => files.fromLocal(a.attachment_id, defined(attach[i])));
    if (attach.length > 0) outgoingFiles.set(localId, [...attach]);
    c.messages.push({
      msg_id: localId, from: session.details?.username ?? '', to: peer, text, timestamp: new Date().toISOString(),
      direction: 'sent', delivered: false, delivery_method: 'offline', status: 'queued', read: false,
      reply_to: replyTo, edited_at: null, deleted: false, reactions: [], local: 'sending', attachments,
    });
    // Sending from an older part of the chat brings it back to the newest, where the new message goes.
    if (c.newer > 0) void loadLatest(peer);
    return deliver(peer, localId, text, replyTo);
  }

  /** Uploads the message's files, then sends it; returns the host's attachments. */
  async function sendWithFiles(peer: string, localId: string, text: string, replyTo: string | null): Promise<{ result: SendResult; uploaded: Attachment[] }> {
    const api = session.requireApi();
    const uploaded: Attachment[] = [];
    for (const file of outgoingFiles.get(localId) ?? []) uploaded.push(await api.uploadAttachment(file.name || 'file', file, file.type || 'application/octet-stream'));
    const result = await api.send(peer, text, { replyTo: replyTo ?? undefined, attachments: uploaded.map((a) => a.attachment_id) });
    uploaded.forEach((a, i) => files.rename(`${localId}-${i}`, a.attachment_id));
    return { result, uploaded };
  }

  async function deliver(peer: string, localId: string, text: string, replyTo: string | null): Promise<boolean> {
    const c = conversation(peer);
    try {
      const { result, uploaded } = await sendWithFiles(peer, localId, text, replyTo);
      outgoingFiles.delete(localId);
      const i = c.messages.findIndex((m) => m.msg_id === localId);
      const already = c.messages.some((m) => m.msg_id === result.msg_id);
      if (!already) c.total += 1;
      if (i >= 0 && already) c.messages.splice(i, 1);
      else if (i >= 0) {
        const { local: _l, error: _e, ...rest } = defined(c.messages[i]);
        const attachments = uploaded.map((a) => ({ ...a, state: 'sending' as const, received_bytes: 0 }));
        c.messages[i] = { ...rest, msg_id: result.msg_id, delivered: result.delivered, delivery_method: result.delivery_method, status: result.status, attachments };
      }
      // How each file travels (mailbox or session) is the host's to say.
      if (uploaded.length > 0) void refreshMessage(peer, result.msg_id);
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

  /** Fetches one message again from the host and puts it in place. */
  async function refreshMessage(peer: string, msgId: string): Promise<void> {
    try {
      const page = await session.requireApi().messages(peer, { around: msgId, limit: 1 });
      const fresh = page.messages.find((m) => m.msg_id === msgId);
      if (fresh) update(fresh);
    } catch {
      // The next message_updated event brings it.
    }
  }

  /** A message the host changed (attachment progress and state): the host's copy replaces ours; status never goes back. */
  function update(m: Message): void {
    const hit = findMessage(m.msg_id);
    if (!hit) return;
    const old = defined(hit.c.messages[hit.index]);
    const status = maxStatus(old.status, m.status);
    hit.c.messages[hit.index] = { ...old, ...m, status, delivered: status === m.status ? m.delivered : old.delivered };
  }

  /** Stops an attachment on its way (either direction). */
  async function cancelAttachment(msgId: string, attachmentId: string): Promise<void> {
    patchAttachment(msgId, await session.requireApi().cancelAttachment(attachmentId));
  }

  /** Tries a failed attachment again. */
  async function retryAttachment(msgId: string, attachmentId: string): Promise<void> {
    files.retry(attachmentId);
    patchAttachment(msgId, await session.requireApi().retryAttachment(attachmentId));
  }

  function patchAttachment(msgId: string, a: Attachment): void {
    const hit = findMessage(msgId);
    if (!hit) return;
    const m = defined(hit.c.messages[hit.index]);
    hit.c.messages[hit.index] = { ...m, attachments: m.attachments.map((x) => (x.attachment_id === a.attachment_id ? a : x)) };
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
    const m = defined(hit.c.messages[hit.index]);
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
    outgoingFiles.delete(msgId);
    for (const a of target.attachments) files.forget(a.attachment_id);
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
    conversation, open, loadLatest, loadOlder, loadNewer, openAt, send, retry, receive, applyStatus, update, cancelAttachment, retryAttachment,
    markRead, setTyping, remove, forget,
  };
});
