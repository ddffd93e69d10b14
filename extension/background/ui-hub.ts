import type { BackgroundToUi, HostLinkState, UiToBackground } from '../services/host-link.js';

/** The parts of `runtime.Port` the hub uses. */
export interface UiPortLike {
  postMessage(message: BackgroundToUi): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

export interface UiHubOptions {
  state: () => HostLinkState;
  reconnect: () => void;
  onUnread: (counts: Record<string, number>) => void;
}

/**
 * Serves the Parley pages (popup, side panel, tabs) connected over runtime
 * ports: answers their requests, pushes host state changes, and tracks
 * whether any of them is focused so notifications stay quiet then.
 */
export class UiHub {
  private readonly ports = new Map<UiPortLike, { focused: boolean }>();
  private readonly options: UiHubOptions;

  constructor(options: UiHubOptions) {
    this.options = options;
  }

  attach(port: UiPortLike): void {
    this.ports.set(port, { focused: false });
    port.onDisconnect.addListener(() => this.ports.delete(port));
    port.onMessage.addListener((raw) => this.handle(port, raw as UiToBackground));
  }

  broadcast(state: HostLinkState): void {
    for (const port of this.ports.keys()) safePost(port, { type: 'state', state });
  }

  get anyFocused(): boolean {
    for (const entry of this.ports.values()) if (entry.focused) return true;
    return false;
  }

  get connectedCount(): number {
    return this.ports.size;
  }

  private handle(port: UiPortLike, message: UiToBackground): void {
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'request':
        if (message.method === 'reconnect') this.options.reconnect();
        if (message.method === 'state' || message.method === 'reconnect') {
          safePost(port, { type: 'response', id: message.id, ok: true, result: this.options.state() });
        } else {
          safePost(port, { type: 'response', id: message.id, ok: false, error: `unknown method ${String(message.method)}` });
        }
        break;
      case 'focus': {
        const entry = this.ports.get(port);
        if (entry) entry.focused = message.focused === true;
        break;
      }
      case 'unread':
        if (message.counts && typeof message.counts === 'object') this.options.onUnread(message.counts);
        break;
    }
  }
}

function safePost(port: UiPortLike, message: BackgroundToUi): void {
  try {
    port.postMessage(message);
  } catch {
    // The page closed between the event and this answer; its disconnect handler cleans up.
  }
}
