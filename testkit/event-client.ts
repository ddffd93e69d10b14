import WebSocket from 'ws';
import type { HostEvent, HostEventMap, HostEventName } from '../shared/contract.js';

export interface EventClientOptions {
  /** Keep every event in `received` (for assertions); off, only `arrival` waits are served (a long bench run). */
  keep?: boolean;
}

/**
 * A WebSocket client of /events (or of the bench floor's push socket) that
 * records every event for assertions and times the arrival of messages.
 */
export class EventClient {
  readonly received: HostEvent[] = [];
  private waiters: Array<() => void> = [];
  /** Who waits for the `new_message` with this text, woken with its arrival time. */
  private readonly arrivals = new Map<string, (at: number) => void>();

  private constructor(
    readonly socket: WebSocket,
    options: EventClientOptions = {},
  ) {
    const keep = options.keep ?? true;
    socket.on('message', (data) => {
      const at = performance.now();
      const event = JSON.parse(data.toString()) as HostEvent;
      if (event.event === 'new_message') this.arrived(event.data.text, at);
      if (!keep) return;
      this.received.push(event);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static connect(port: number, token: string | null, headers: Record<string, string> = {}, options?: EventClientOptions): Promise<EventClient> {
    const query = token ? `?token=${encodeURIComponent(token)}` : '';
    return EventClient.connectUrl(`ws://127.0.0.1:${port}/events${query}`, headers, options);
  }

  /** Any URL `ws` accepts, `ws+unix:` included. */
  static connectUrl(url: string, headers: Record<string, string> = {}, options?: EventClientOptions): Promise<EventClient> {
    const socket = new WebSocket(url, { headers, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new EventClient(socket, options)));
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Resolves with the first recorded event (old or new) that matches. */
  async waitFor<K extends HostEventName>(
    event: K,
    match: (data: HostEventMap[K]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<HostEventMap[K]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((e) => e.event === event && match(e.data as HostEventMap[K]));
      if (found) return found.data as HostEventMap[K];
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${event} event in ${timeoutMs} ms; got ${JSON.stringify(this.received.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  of<K extends HostEventName>(event: K): Array<HostEventMap[K]> {
    return this.received.filter((e) => e.event === event).map((e) => e.data as HostEventMap[K]);
  }

  /** Resolves with the arrival time (performance.now) of the next `new_message` whose text is `text`. */
  arrival(text: string, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.arrivals.delete(text);
        reject(new Error(`no new_message '${text}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.arrivals.set(text, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  private arrived(text: string, at: number): void {
    const wake = this.arrivals.get(text);
    if (!wake) return;
    this.arrivals.delete(text);
    wake(at);
  }

  close(): void {
    this.socket.close();
  }
}
