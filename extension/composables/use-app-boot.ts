import { onBeforeUnmount, onMounted, watch } from 'vue';
import { BackgroundClient } from '../services/background-client.js';
import type { HostLinkState } from '../services/host-link.js';
import { useChatStore } from '../stores/chat.js';
import { useContactsStore } from '../stores/contacts.js';
import { useMessageChangesStore } from '../stores/message-changes.js';
import { useSessionStore } from '../stores/session.js';
import { errorText } from '../stores/types.js';
import { STATUS_POLL_MS, useUiStore } from '../stores/ui.js';
import { wireEvents } from '../stores/wire-events.js';
import { usePageActivity } from './use-page-activity.js';
import { defined } from '../../shared/defined.js';

/** Pause before asking a silent background worker again. */
const STATE_RETRY_MS = 1_500;

/**
 * Starts a Parley page: gets the host's details from the background
 * worker (waiting while the host starts), checks `GET /status` every 6 s,
 * keeps the event stream and stores wired, and reports focus and unread
 * counts back for notifications and the badge.
 */
export function useAppBoot(background = new BackgroundClient()) {
  const ui = useUiStore();
  const session = useSessionStore();
  const contacts = useContactsStore();
  const chat = useChatStore();
  const changes = useMessageChangesStore();
  const { visible, focused } = usePageActivity();
  const offs: Array<() => void> = [];
  let statusTimer: ReturnType<typeof setInterval> | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let unwire: (() => void) | null = null;
  let live = false;

  async function applyLink(state: HostLinkState): Promise<void> {
    ui.hostLink = state;
    if (state.phase !== 'ready') return;
    if (session.open(state.details)) {
      unwire?.();
      const stream = defined(session.events);
      ui.events = stream.state;
      stream.onState((s) => (ui.events = s));
      unwire = wireEvents(stream, chat, contacts, changes);
      live = false;
    }
    await checkStatus();
  }

  async function checkStatus(): Promise<void> {
    const api = session.api;
    if (!api) return;
    const wasUp = ui.backend === 'up';
    try {
      ui.setStatus(await api.status());
    } catch (err) {
      ui.setBackendDown(errorText(err));
      return;
    }
    if (ui.username) goLive(!wasUp);
  }

  function goLive(recovered: boolean): void {
    const stream = session.events;
    if (!live) {
      live = true;
      void contacts.refresh();
      contacts.startAutoRefresh();
      stream?.connect();
    } else if (recovered) {
      void contacts.refresh();
      stream?.reconnectNow();
    } else if (stream?.state === 'failed') {
      stream.reconnectNow();
    }
  }

  async function askState(): Promise<void> {
    try {
      await background.state();
    } catch {
      retryTimer = setTimeout(() => void askState(), STATE_RETRY_MS);
    }
  }

  /** Claims a username on a host that has none yet; its recovery code is shown next. */
  async function setup(username: string): Promise<void> {
    const answer = await session.requireApi().setup(username);
    ui.recoveryCode = answer.recovery_code;
    ui.setStatus(answer);
    goLive(false);
  }

  /** Takes a name back with its recovery code; the new code is shown next. */
  async function recover(username: string, code: string): Promise<void> {
    const answer = await session.requireApi().recover(username, code);
    ui.recoveryCode = answer.recovery_code;
    ui.setStatus(answer);
    goLive(false);
  }

  async function retry(): Promise<void> {
    ui.hostLink = { phase: 'connecting', attempt: 0 };
    try {
      await background.reconnect();
    } catch {
      await askState();
    }
    await checkStatus();
  }

  onMounted(() => {
    offs.push(background.onState((s) => void applyLink(s)));
    background.start();
    void askState();
    statusTimer = setInterval(() => void checkStatus(), STATUS_POLL_MS);
  });

  offs.push(watch([visible, focused], ([v, f]) => background.reportFocus(v && f), { immediate: true }));
  offs.push(watch(() => contacts.unread, (counts) => {
    if (contacts.state === 'ready') background.reportUnread(counts);
  }, { deep: true }));
  // A chat that is open and on screen has nothing unread.
  offs.push(watch(
    () => [chat.activePeer, visible.value, ui.events, chat.activePeer ? chat.conversations[chat.activePeer]?.messages.length : 0] as const,
    ([peer, isVisible]) => {
      if (peer && isVisible && chat.conversations[peer]?.state === 'ready') chat.markRead(peer);
    },
    { immediate: true },
  ));

  onBeforeUnmount(() => {
    offs.forEach((off) => off());
    unwire?.();
    if (statusTimer) clearInterval(statusTimer);
    if (retryTimer) clearTimeout(retryTimer);
    contacts.stopAutoRefresh();
    session.close();
    background.stop();
  });

  return { setup, recover, retry, checkStatus };
}
