import { browser } from 'wxt/browser';
import { Backoff } from './backoff.js';
import { type BackgroundToUi, type HostLinkState, UI_PORT_NAME, type UiRequestMethod, type UiToBackground } from './host-link.js';
import { RpcClient, isRpcResponse } from './rpc-client.js';

/** The parts of `runtime.Port` a page uses. */
export interface PagePortLike {
  postMessage(message: UiToBackground): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: () => void): void };
}

export interface BackgroundClientOptions {
  connect?: () => PagePortLike;
  requestTimeoutMs?: number;
}

/**
 * A page's line to the background worker. The worker may be stopped and
 * restarted by the browser at any time; the port is then reopened (which
 * wakes the worker) and the last reports are sent again.
 */
export class BackgroundClient {
  private port: PagePortLike | null = null;
  private readonly rpc: RpcClient<UiRequestMethod>;
  private readonly listeners = new Set<(state: HostLinkState) => void>();
  private readonly backoff = new Backoff({ baseMs: 200, factor: 2, maxAttempts: 8, maxDelayMs: 5_000 });
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFocus: boolean | null = null;
  private lastUnread: Record<string, number> | null = null;
  private stopped = false;
  private readonly connectPort: () => PagePortLike;

  constructor(options: BackgroundClientOptions = {}) {
    this.connectPort = options.connect ?? (() => browser.runtime.connect({ name: UI_PORT_NAME }) as unknown as PagePortLike);
    this.rpc = new RpcClient((id, method) => {
      if (!this.port) throw new Error('background not connected');
      this.port.postMessage({ type: 'request', id, method });
    }, { timeoutMs: options.requestTimeoutMs });
  }

  start(): void {
    this.stopped = false;
    if (this.port) return;
    const port = this.connectPort();
    this.port = port;
    port.onMessage.addListener((raw) => {
      const message = raw as BackgroundToUi;
      this.backoff.reset();
      if (isRpcResponse(message)) this.rpc.handle(message);
      else if (message?.type === 'state') this.emit(message.state);
    });
    port.onDisconnect.addListener(() => {
      if (this.port !== port) return;
      this.port = null;
      this.rpc.rejectAll('background worker went away');
      if (!this.stopped) this.scheduleReconnect();
    });
    if (this.lastFocus !== null) this.post({ type: 'focus', focused: this.lastFocus });
    if (this.lastUnread) this.post({ type: 'unread', counts: this.lastUnread });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const port = this.port;
    this.port = null;
    port?.disconnect();
    this.rpc.rejectAll('page closed');
  }

  async state(): Promise<HostLinkState> {
    const s = await this.rpc.call<HostLinkState>('state');
    this.emit(s);
    return s;
  }

  /** Asks the worker to try the native host again now. */
  async reconnect(): Promise<HostLinkState> {
    const s = await this.rpc.call<HostLinkState>('reconnect');
    this.emit(s);
    return s;
  }

  onState(listener: (state: HostLinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  reportFocus(focused: boolean): void {
    this.lastFocus = focused;
    this.post({ type: 'focus', focused });
  }

  reportUnread(counts: Record<string, number>): void {
    this.lastUnread = { ...counts };
    this.post({ type: 'unread', counts: this.lastUnread });
  }

  private post(message: UiToBackground): void {
    try {
      this.port?.postMessage(message);
    } catch {
      // The disconnect handler reopens the port and repeats the last reports.
    }
  }

  private emit(state: HostLinkState): void {
    for (const listener of this.listeners) listener(state);
  }

  private scheduleReconnect(): void {
    const delay = this.backoff.next() ?? 5_000;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
      void this.state().catch(() => {});
    }, delay);
  }
}
