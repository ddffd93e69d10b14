import { browser } from 'wxt/browser';
import { ApiClient } from '../../shared/api-client.js';
import type { Message } from '../../shared/contract.js';
import { NATIVE_HOST_NAME } from '../../shared/extension-id.js';
import type { HostDetails } from '../../shared/native-protocol.js';
import { EventStream } from '../services/event-stream.js';
import { type HostLinkState, UI_PORT_NAME } from '../services/host-link.js';
import { apiBaseUrl, eventsUrl } from '../services/host-urls.js';
import { openPanel, panelKind, toolbarButton } from '../services/browser-shell.js';
import { isReadyLink, lastReadyLink } from '../services/stored-items.js';
import { NativeLink, type NativePortLike } from './native-link.js';
import { UiHub, type UiPortLike } from './ui-hub.js';
import { UnreadWatcher } from './unread-watcher.js';
import { previewText } from '../utils/attachment-status.js';
import { defined } from '../../shared/defined.js';

const BADGE_COLOR = '#2c6bed';
const NOTIFICATION_PREFIX = 'parley-msg:';
/** Notification bodies are cut to this many characters. */
const NOTIFICATION_TEXT_MAX = 180;

/**
 * Wires the background worker: the one native port, the page hub, and one
 * event stream for the badge and notifications. Runs again from scratch
 * each time the service worker starts.
 */
export function startBackground(): void {
  let cached: HostLinkState | null = null;
  let watcher: { details: HostDetails; stream: EventStream; unread: UnreadWatcher } | null = null;
  const button = toolbarButton();

  const link = new NativeLink({
    connect: () => browser.runtime.connectNative(NATIVE_HOST_NAME) as unknown as NativePortLike,
    lastError: () => browser.runtime.lastError?.message,
  });
  // While a restarted worker reconnects, pages get the last known details at once.
  const currentState = (): HostLinkState => (link.state.phase === 'connecting' && cached ? cached : link.state);
  const hub = new UiHub({ state: currentState, reconnect: () => link.restart(), onUnread: (c) => watcher?.unread.replace(c) });

  void lastReadyLink.getValue().then((stored) => {
    if (isReadyLink(stored) && link.state.phase === 'connecting') {
      cached = stored;
      hub.broadcast(stored);
    }
  }).catch(() => {});

  link.onState((state) => {
    if (state.phase === 'ready') {
      cached = state;
      void lastReadyLink.setValue(state).catch(() => {});
      startWatcher(state.details);
    } else if (state.phase !== 'connecting') {
      cached = null;
      void lastReadyLink.removeValue().catch(() => {});
      stopWatcher();
    }
    hub.broadcast(currentState());
  });

  function startWatcher(details: HostDetails): void {
    const same = watcher && watcher.details.api_port === details.api_port && watcher.details.ws_port === details.ws_port &&
      watcher.details.token === details.token;
    if (same) {
      if (details.username) void defined(watcher).unread.prime().catch(() => {});
      return;
    }
    stopWatcher();
    const api = new ApiClient({ baseUrl: apiBaseUrl(details), token: details.token });
    const stream = new EventStream({ url: eventsUrl(details) });
    const unread = new UnreadWatcher({
      api,
      stream,
      setBadge: (text) => void button.setBadgeText({ text }).catch(() => {}),
      onMessage: (m) => {
        if (!hub.anyFocused) void notify(m);
      },
    });
    stream.onState((s) => {
      if (s === 'open' && details.username) void unread.prime().catch(() => {});
    });
    stream.connect();
    watcher = { details, stream, unread };
  }

  function stopWatcher(): void {
    watcher?.unread.dispose();
    watcher?.stream.close();
    watcher = null;
  }

  browser.runtime.onConnect.addListener((port) => {
    if (port.name !== UI_PORT_NAME) return;
    hub.attach(port as unknown as UiPortLike);
    // A page opening is the moment the user may just have installed the host.
    if (link.state.phase === 'not-installed' || (link.state.phase === 'disconnected' && link.state.retryInMs === null)) {
      link.restart();
    }
  });

  browser.notifications?.onClicked.addListener((id) => {
    if (!id.startsWith(NOTIFICATION_PREFIX)) return;
    void browser.notifications.clear(id);
    void showChat();
  });

  void button.setBadgeBackgroundColor({ color: BADGE_COLOR }).catch(() => {});
  link.start();
}

/**
 * A notification was clicked: show the chat. The panel is tried first;
 * Firefox never counts a notification click as a user gesture (and Chromium
 * may not), so when the panel refuses the chat opens in a tab instead.
 */
async function showChat(): Promise<void> {
  const win = await browser.windows.getLastFocused().catch(() => null);
  if (panelKind()) {
    try {
      await openPanel(win?.id);
      return;
    } catch {
      // Not a user gesture here: fall through to a tab.
    }
  }
  await browser.tabs.create({ url: browser.runtime.getURL('/sidepanel.html'), windowId: win?.id }).catch(() => {});
}

async function notify(m: Message): Promise<void> {
  const line = previewText(m);
  const text = line.length > NOTIFICATION_TEXT_MAX ? `${line.slice(0, NOTIFICATION_TEXT_MAX)}…` : line;
  try {
    await browser.notifications.create(`${NOTIFICATION_PREFIX}${m.msg_id}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: m.from,
      message: text,
    });
  } catch {
    // Notifications can be turned off by the user or the OS; the badge still counts.
  }
}
