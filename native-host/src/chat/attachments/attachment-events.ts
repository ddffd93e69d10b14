import type { MessageViews } from '../message-views.js';

/**
 * `message_updated` for attachment changes: a state change goes out at
 * once, progress at most once per `intervalMs` per message (the last value
 * always goes out), so a fast transfer does not flood the clients.
 */
export class AttachmentEvents {
  private readonly last = new Map<string, number>();
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deps: {
      views: Pick<MessageViews, 'updated'>;
      intervalMs: number;
    },
  ) {}

  /** The attachments of message `msgId` changed: `progress` only, or their state too. */
  changed(msgId: string | null, kind: 'state' | 'progress'): void {
    if (msgId === null) return;
    const wait = kind === 'state' ? 0 : (this.last.get(msgId) ?? 0) + this.deps.intervalMs - Date.now();
    if (wait <= 0) return this.emit(msgId);
    if (this.pending.has(msgId)) return;
    const timer = setTimeout(() => this.emit(msgId), wait);
    timer.unref();
    this.pending.set(msgId, timer);
  }

  stop(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private emit(msgId: string): void {
    clearTimeout(this.pending.get(msgId));
    this.pending.delete(msgId);
    this.last.set(msgId, Date.now());
    if (this.last.size > 1000) this.forgetOld();
    this.deps.views.updated(msgId);
  }

  /** Throttle entries of messages that went quiet: kept only while they matter. */
  private forgetOld(): void {
    const before = Date.now() - this.deps.intervalMs;
    for (const [msgId, at] of this.last) if (at < before) this.last.delete(msgId);
  }
}
