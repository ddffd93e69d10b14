import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ApiError } from '../../shared/api-client.js';
import type { Contact, ConversationSummary, Message } from '../../shared/contract.js';
import { normalizeUsername } from '../../shared/contract.js';
import { isUnread } from '../../shared/message-status.js';
import { filterContacts, sortContacts } from '../utils/sort-contacts.js';
import { useSessionStore } from './session.js';
import { type AsyncState, errorText } from './types.js';

/** How often the friend list (presence, last seen) is fetched again. */
export const CONTACTS_REFRESH_MS = 10_000;

export type AddFriendResult = { ok: true; contact: Contact } | { ok: false; status: number; error: string };

export const useContactsStore = defineStore('contacts', () => {
  const session = useSessionStore();
  const contacts = ref<Contact[]>([]);
  const lastMessage = ref<Record<string, Message>>({});
  const unread = ref<Record<string, number>>({});
  const query = ref('');
  /** How many key_changed events each friend had: views showing their safety number reload on a change. */
  const keyChanges = ref<Record<string, number>>({});
  const state = ref<AsyncState>('idle');
  const error = ref<string | null>(null);
  /** Peers whose preview and unread count came from the host; events keep them current after that. */
  const scanned = new Set<string>();
  let timer: ReturnType<typeof setInterval> | null = null;

  const sorted = computed(() => sortContacts(contacts.value, lastMessage.value));
  const visible = computed(() => filterContacts(sorted.value, query.value));
  const totalUnread = computed(() => Object.values(unread.value).reduce((a, b) => a + b, 0));

  function byName(username: string): Contact | undefined {
    return contacts.value.find((c) => c.username === username);
  }

  let refreshing: Promise<void> | null = null;

  /** Fetches the friend list again; a call while one is under way shares it. */
  function refresh(): Promise<void> {
    refreshing ??= load().finally(() => (refreshing = null));
    return refreshing;
  }

  async function load(): Promise<void> {
    if (state.value !== 'ready') state.value = 'loading';
    try {
      const api = session.requireApi();
      const list = await api.friends();
      contacts.value = list;
      const names = new Set(list.map((c) => c.username));
      for (const peer of [...scanned]) if (!names.has(peer)) forget(peer);
      if (list.some((c) => !scanned.has(c.username))) applySummaries(await api.conversations());
      error.value = null;
      state.value = 'ready';
    } catch (err) {
      error.value = errorText(err);
      if (state.value !== 'ready') state.value = 'error';
    }
  }

  /**
   * Previews and unread counts of friends seen for the first time, from one
   * summary of every chat, applied in one update each (thousands of
   * friends made one copy per friend quadratic).
   */
  function applySummaries(summaries: readonly ConversationSummary[]): void {
    const last = { ...lastMessage.value };
    const counts = { ...unread.value };
    for (const { peer, last_message: newest, unread: n } of summaries) {
      if (scanned.has(peer)) continue;
      scanned.add(peer);
      const cur = last[peer];
      if (newest && (!cur || Date.parse(newest.timestamp) >= Date.parse(cur.timestamp))) last[peer] = newest;
      counts[peer] = n;
    }
    lastMessage.value = last;
    unread.value = counts;
  }

  /** Takes preview and unread count from a freshly loaded newest page. */
  function setFromHistory(peer: string, messages: readonly Message[]): void {
    const newest = messages.at(-1);
    if (newest) noteMessage(newest);
    unread.value = { ...unread.value, [peer]: messages.filter(isUnread).length };
  }

  function forget(peer: string): void {
    scanned.delete(peer);
    const { [peer]: _l, ...restLast } = lastMessage.value;
    const { [peer]: _u, ...restUnread } = unread.value;
    lastMessage.value = restLast;
    unread.value = restUnread;
  }

  function peerOf(m: Message): string {
    return m.direction === 'received' ? m.from : m.to;
  }

  /** Updates the preview when `m` is newer than the one shown. */
  function noteMessage(m: Message): void {
    const peer = peerOf(m);
    const cur = lastMessage.value[peer];
    if (!cur || cur.msg_id === m.msg_id || Date.parse(m.timestamp) >= Date.parse(cur.timestamp)) {
      lastMessage.value = { ...lastMessage.value, [peer]: m };
    }
  }

  /** A message that arrived over the event stream. */
  function noteIncoming(m: Message): void {
    noteMessage(m);
    if (isUnread(m)) unread.value = { ...unread.value, [m.from]: (unread.value[m.from] ?? 0) + 1 };
  }

  /** Shows `m` (or nothing) as the preview after the old last message went away. */
  function replaceLast(peer: string, m: Message | undefined): void {
    const { [peer]: _drop, ...rest } = lastMessage.value;
    lastMessage.value = m ? { ...rest, [peer]: m } : rest;
  }

  function clearUnread(peer: string): void {
    if (unread.value[peer]) unread.value = { ...unread.value, [peer]: 0 };
  }

  function setOnline(username: string, online: boolean): void {
    const c = byName(username);
    if (!c || c.online === online) return;
    c.online = online;
    if (!online) c.last_seen = new Date().toISOString();
  }

  function markKeyChanged(username: string): void {
    const c = byName(username);
    if (c) c.key_changed = true;
    keyChanges.value = { ...keyChanges.value, [username]: (keyChanges.value[username] ?? 0) + 1 };
  }

  async function add(input: string): Promise<AddFriendResult> {
    try {
      const created = await session.requireApi().addFriend(normalizeUsername(input));
      if (!byName(created.username)) contacts.value = [...contacts.value, created];
      scanned.add(created.username);
      return { ok: true, contact: created };
    } catch (err) {
      return { ok: false, status: err instanceof ApiError ? err.status : 0, error: errorText(err) };
    }
  }

  async function remove(username: string): Promise<void> {
    await session.requireApi().removeFriend(username);
    contacts.value = contacts.value.filter((c) => c.username !== username);
    forget(username);
  }

  /** Verifies with the safety number the user compared; the host refuses it (409) when it is no longer current. */
  async function markVerified(username: string, safetyNumber: string): Promise<void> {
    const updated = await session.requireApi().markVerified(username, safetyNumber);
    contacts.value = contacts.value.map((c) => (c.username === username ? updated : c));
  }

  function startAutoRefresh(intervalMs = CONTACTS_REFRESH_MS): void {
    stopAutoRefresh();
    timer = setInterval(() => void refresh(), intervalMs);
  }

  function stopAutoRefresh(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  return {
    contacts, lastMessage, unread, keyChanges, query, state, error, sorted, visible, totalUnread,
    byName, refresh, setFromHistory, noteMessage, noteIncoming, replaceLast, clearUnread, setOnline,
    markKeyChanged, add, remove, markVerified, startAutoRefresh, stopAutoRefresh,
  };
});
