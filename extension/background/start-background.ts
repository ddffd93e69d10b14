import { browser } from 'wxt/browser';
import { ApiClient } from '../../shared/api-client.js';
import type { Message } from '../../shared/contract.js';
import { NATIVE_HOST_NAME } from '../../shared/extension-id.js';
import type { HostDetails } from '../../shared/native-protocol.js';
import { EventStream } from '../services/event-stream.js';
import { type HostLinkState, UI_PORT_NAME } from '../services/host-link.js';
import { apiBaseUrl, eventsUrl } from '../services/host-urls.js';
import { NativeLink, type NativePortLike } from './native-link.js';
import { UiHub, type UiPortLike } from './ui-hub.js';
import { UnreadWatcher } from './unread-watcher.js';

const SESSION_KEY = 'parley.hostLink';
const BADGE_COLOR = '#2c6bed';
const NOTIFICATION_PREFIX = 'parley-msg:';
/** Notification bodies are cut to this many characters. */
const NOTIFICATION_TEXT_MAX = 180;

/** Session storage survives worker restarts but not the browser; local is the fallback (Firefox < 115). */
function sessionArea() {
  return browser.storage.session ?? browser.storage.local;
}

/**
 * Wires the background worker: the one native port, the page hub, and one
 * event stream for the badge and notifications. Runs again from scratch
 * each time the service worker starts.
 */
export function startBackground(): void {
  let cached: HostLinkState | null = null;
  let watcher: { details: HostDetails; stream: EventStream; unread: UnreadWatcher } | null = null;

  const link = new NativeLink({
    connect: () => browser.runtime.connectNative(NATIVE_HOST_NAME) as unknown as NativePortLike,
    lastError: () => browser.runtime.lastError?.message,
  });
  // While a restarted worker reconnects, pages get the last known details at once.
  const currentState = (): HostLinkState => (link.state.phase === 'connecting' && cached ? cached : link.state);
  const hub = new UiHub({ state: currentState, reconnect: () => link.restart(), onUnread: (c) => watcher?.unread.replace(c) });

  void sessionArea().get(SESSION_KEY).then((stored) => {
    const s = stored[SESSION_KEY] as HostLinkState | undefined;
    if (s?.phase === 'ready' && link.state.phase === 'connecting') {
      cached = s;
      hub.broadcast(s);
    }
  });

  link.onState((state) => {
    if (state.phase === 'ready') {
      cached = state;
      void sessionArea().set({ [SESSION_KEY]: state });
      startWatcher(state.details);
    } else if (state.phase !== 'connecting') {
      cached = null;
      void sessionArea().remove(SESSION_KEY);
      stopWatcher();
    }
    hub.broadcast(currentState());
  });

  function startWatcher(details: HostDetails): void {
    const same = watcher && watcher.details.api_port === details.api_port && watcher.details.ws_port === details.ws_port &&
      watcher.details.token === details.token;
    if (same) {
      if (details.username) void watcher!.unread.prime().catch(() => {});
      return;
    }
    stopWatcher();
    const api = new ApiClient({ baseUrl: apiBaseUrl(details), token: details.token });
    const stream = new EventStream({ url: eventsUrl(details) });
    const unread = new UnreadWatcher({
      api,
      stream,
      setBadge: (text) => void browser.action.setBadgeText({ text }),
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
    void browser.windows.getLastFocused().then((w) => {
      if (w.id !== undefined) return browser.sidePanel?.open({ windowId: w.id });
    }).catch(() => {});
  });

  void browser.action.setBadgeBackgroundColor({ color: BADGE_COLOR });
  link.start();
}

async function notify(m: Message): Promise<void> {
  const text = m.text.length > NOTIFICATION_TEXT_MAX ? `${m.text.slice(0, NOTIFICATION_TEXT_MAX)}…` : m.text;
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
