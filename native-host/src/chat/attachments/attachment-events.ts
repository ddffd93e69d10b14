import type { AttachmentsRepo } from '../../store/attachments-repo.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { EventBus } from '../event-bus.js';
import { toMessage } from '../message-view.js';
import { withAttachments } from './attachment-view.js';

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
      messages: Pick<MessagesRepo, 'get'>;
      attachments: Pick<AttachmentsRepo, 'forMessages'>;
      bus: EventBus;
      self: () => string | null;
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
    const row = this.deps.messages.get(msgId);
    const self = this.deps.self();
    if (!row || !self) return;
    const [message] = withAttachments([toMessage(row, self)], this.deps.attachments);
    this.deps.bus.emit('message_updated', message!);
  }

  /** Throttle entries of messages that went quiet: kept only while they matter. */
  private forgetOld(): void {
    const before = Date.now() - this.deps.intervalMs;
    for (const [msgId, at] of this.last) if (at < before) this.last.delete(msgId);
  }
}
