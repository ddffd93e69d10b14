import type { NativeMessage, NativeRequestMethod } from '../../shared/native-protocol.js';
import { Backoff, type BackoffOptions } from '../services/backoff.js';
import { type HostLinkState, isHostMissingError } from '../services/host-link.js';
import { RpcClient, isRpcResponse } from '../services/rpc-client.js';

/** The parts of `runtime.Port` the link uses. */
export interface NativePortLike {
  postMessage(message: unknown): void;
  disconnect(): void;
  onMessage: { addListener(fn: (message: unknown) => void): void };
  onDisconnect: { addListener(fn: (port: NativePortLike) => void): void };
  error?: { message?: string } | null;
}

export interface NativeLinkOptions {
  connect: () => NativePortLike;
  /** Chromium reports why a port closed in `runtime.lastError`, Firefox in `port.error`. */
  lastError?: () => string | undefined;
  backoff?: BackoffOptions;
  requestTimeoutMs?: number;
}

/**
 * The one native-messaging port to the Parley host: tracks `hello` and
 * `status` frames, answers requests through the shared RPC client, and
 * reconnects with backoff when the host goes away. A missing host is not
 * retried on its own; `restart()` tries again (e.g. when a page opens).
 */
export class NativeLink {
  private port: NativePortLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: Backoff;
  private readonly rpc: RpcClient<NativeRequestMethod>;
  private readonly listeners = new Set<(state: HostLinkState) => void>();
  private current: HostLinkState = { phase: 'connecting', attempt: 0 };
  private readonly options: NativeLinkOptions;

  constructor(options: NativeLinkOptions) {
    this.options = options;
    this.backoff = new Backoff(options.backoff);
    this.rpc = new RpcClient((id, method) => {
      if (!this.port) throw new Error('no native port');
      this.port.postMessage({ type: 'request', id, method });
    }, { timeoutMs: options.requestTimeoutMs });
  }

  get state(): HostLinkState {
    return this.current;
  }

  onState(listener: (state: HostLinkState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.port) return;
    this.clearTimer();
    this.setState({ phase: 'connecting', attempt: this.backoff.attempts });
    let port: NativePortLike;
    try {
      port = this.options.connect();
    } catch (err) {
      this.handleClosed((err as Error).message);
      return;
    }
    this.port = port;
    port.onMessage.addListener((message) => this.handleMessage(message as NativeMessage));
    port.onDisconnect.addListener((p) => {
      if (this.port !== port) return;
      const reason = p.error?.message ?? this.options.lastError?.() ?? 'Native host disconnected';
      this.port = null;
      this.handleClosed(reason);
    });
  }

  /** Starts over now, forgetting earlier failures. */
  restart(): void {
    this.backoff.reset();
    if (this.port) return;
    this.start();
  }

  stop(): void {
    this.clearTimer();
    const port = this.port;
    this.port = null;
    port?.disconnect();
    this.rpc.rejectAll('native link stopped');
  }

  request<T = unknown>(method: NativeRequestMethod): Promise<T> {
    return this.rpc.call<T>(method);
  }

  private handleMessage(message: NativeMessage): void {
    if (isRpcResponse(message)) {
      this.rpc.handle(message);
      return;
    }
    if (message.type === 'hello') {
      this.backoff.reset();
      const { type: _type, bridged, ...details } = message;
      this.setState({ phase: 'ready', details, bridged });
    } else if (message.type === 'status') {
      if (message.state === 'stopping') this.setState({ phase: 'stopping' });
      else if (this.current.phase === 'ready') {
        this.setState({ ...this.current, details: { ...this.current.details, username: message.username } });
      }
    }
  }

  private handleClosed(reason: string): void {
    this.rpc.rejectAll(reason);
    if (isHostMissingError(reason)) {
      this.setState({ phase: 'not-installed', error: reason });
      return;
    }
    const delay = this.backoff.next();
    this.setState({ phase: 'disconnected', error: reason, retryInMs: delay });
    if (delay !== null) this.timer = setTimeout(() => this.start(), delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: HostLinkState): void {
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
