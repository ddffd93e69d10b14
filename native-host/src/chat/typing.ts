import { TYPING_REFRESH_MS } from '../../../shared/typing.js';
import type { EventBus } from './event-bus.js';
import type { PeerTransport } from './transport.js';

/**
 * Typing indicators. Outgoing: a repeated "still typing" is sent at most once
 * per TYPING_REFRESH_MS so keystrokes don't flood the session. Incoming:
 * shown until the friend says stop or `clearMs` passes without a repeat.
 */
export class Typing {
  private readonly lastSent = new Map<string, { typing: boolean; at: number }>();
  private readonly clearTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deps: {
      transport: Pick<PeerTransport, 'send'>;
      bus: EventBus;
      clearMs: number;
    },
  ) {}

  local(to: string, typing: boolean): void {
    const last = this.lastSent.get(to);
    const now = Date.now();
    if (last && last.typing === typing && (!typing || now - last.at < TYPING_REFRESH_MS)) return;
    if (this.deps.transport.send(to, { type: 'typing', typing })) this.lastSent.set(to, { typing, at: now });
  }

  remote(from: string, typing: boolean): void {
    clearTimeout(this.clearTimers.get(from));
    this.clearTimers.delete(from);
    this.deps.bus.emit('typing', { username: from, typing });
    if (!typing) return;
    const timer = setTimeout(() => {
      this.clearTimers.delete(from);
      this.deps.bus.emit('typing', { username: from, typing: false });
    }, this.deps.clearMs);
    timer.unref();
    this.clearTimers.set(from, timer);
  }

  /** The session ended: a stale indicator must not linger, and the next state is sent afresh. */
  sessionDown(username: string): void {
    this.lastSent.delete(username);
    if (this.clearTimers.has(username)) this.remote(username, false);
  }

  stop(): void {
    for (const timer of this.clearTimers.values()) clearTimeout(timer);
    this.clearTimers.clear();
  }
}
