import type { ClientEvent, HostEvent, HostEventMap, HostEventName } from '../../shared/contract.js';
import { Backoff, type BackoffOptions } from './backoff.js';

export type EventStreamState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'failed' | 'closed';

type SocketLike = Pick<WebSocket, 'readyState' | 'send' | 'close'> & {
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
};

export interface EventStreamOptions {
  url: string;
  WebSocketImpl?: new (url: string) => SocketLike;
  backoff?: BackoffOptions;
}

type Handler<K extends HostEventName> = (data: HostEventMap[K]) => void;
const OPEN = 1;

/**
 * The host's `/events` WebSocket, reconnecting with exponential backoff
 * (3 s × 1.5ⁿ, capped attempts). A successful open resets the schedule;
 * after the last attempt the state is `failed` until `reconnectNow()`.
 */
export class EventStream {
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly backoff: Backoff;
  private readonly handlers = new Map<HostEventName, Set<(data: unknown) => void>>();
  private readonly stateListeners = new Set<(state: EventStreamState) => void>();
  private current: EventStreamState = 'idle';
  private readonly options: EventStreamOptions;

  constructor(options: EventStreamOptions) {
    this.options = options;
    this.backoff = new Backoff(options.backoff);
  }

  get state(): EventStreamState {
    return this.current;
  }

  connect(): void {
    if (this.current === 'open' || this.current === 'connecting') return;
    this.clearTimer();
    this.setState('connecting');
    const Impl = this.options.WebSocketImpl ?? (globalThis.WebSocket as unknown as new (url: string) => SocketLike);
    let socket: SocketLike;
    try {
      socket = new Impl(this.options.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.backoff.reset();
      this.setState('open');
    };
    socket.onmessage = (ev) => this.dispatch(ev.data);
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.current !== 'closed') this.scheduleReconnect();
    };
  }

  /** Skips the remaining wait (e.g. the backend came back) and starts over. */
  reconnectNow(): void {
    if (this.current === 'closed') return;
    this.backoff.reset();
    if (this.current === 'open' || this.current === 'connecting') return;
    this.connect();
  }

  close(): void {
    this.setState('closed');
    this.clearTimer();
    const socket = this.socket;
    this.socket = null;
    socket?.close();
  }

  on<K extends HostEventName>(name: K, handler: Handler<K>): () => void {
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(handler as (data: unknown) => void);
    return () => set.delete(handler as (data: unknown) => void);
  }

  onState(listener: (state: EventStreamState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Sends a client event; false when the stream is not open. */
  send(event: ClientEvent): boolean {
    if (!this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(event));
    return true;
  }

  typing(to: string, typing: boolean): boolean {
    return this.send({ event: 'typing', data: { to, typing } });
  }

  markRead(peer: string, msgId: string): boolean {
    return this.send({ event: 'mark_read', data: { peer, msg_id: msgId } });
  }

  private dispatch(raw: unknown): void {
    if (typeof raw !== 'string') return;
    let frame: HostEvent;
    try {
      frame = JSON.parse(raw) as HostEvent;
    } catch {
      return;
    }
    if (!frame || typeof frame.event !== 'string') return;
    for (const handler of this.handlers.get(frame.event) ?? []) handler(frame.data ?? {});
  }

  private scheduleReconnect(): void {
    const delay = this.backoff.next();
    if (delay === null) {
      this.setState('failed');
      return;
    }
    this.setState('reconnecting');
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: EventStreamState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.stateListeners) listener(state);
  }
}
