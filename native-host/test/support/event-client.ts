import WebSocket from 'ws';
import type { HostEvent, HostEventMap, HostEventName } from '../../../shared/contract.js';

/** A WebSocket client of /events that records every event for assertions. */
export class EventClient {
  readonly received: HostEvent[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as HostEvent);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static connect(port: number, token: string | null, headers: Record<string, string> = {}): Promise<EventClient> {
    const query = token ? `?token=${encodeURIComponent(token)}` : '';
    return EventClient.connectUrl(`ws://127.0.0.1:${port}/events${query}`, headers);
  }

  /** Any URL `ws` accepts, `ws+unix:` included. */
  static connectUrl(url: string, headers: Record<string, string> = {}): Promise<EventClient> {
    const socket = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new EventClient(socket)));
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

  close(): void {
    this.socket.close();
  }
}
