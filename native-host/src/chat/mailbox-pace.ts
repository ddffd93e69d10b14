import type { Limits } from '../config/limits.js';
import type { EventBus } from './event-bus.js';

export interface MailboxPaceDeps {
  bus: EventBus;
  limits: Limits;
  /**
   * True while some friend can reach us only through the mailbox: online by
   * presence but with no session, or not holding our capabilities yet (their
   * answer, "added you back", comes as mail).
   */
  expecting(): boolean;
  /** Takes our mail now (concurrent calls share one run). */
  poll(): Promise<void>;
}

/**
 * How often the mailbox is read on top of its regular poll. A friend online
 * by presence with whom no session forms (UDP blocked on the way, no relay)
 * can only write to us through the mailbox, so it is read every
 * `mailboxFastPollMs` then; so is a friend we added who has not given us
 * capabilities yet (their grant comes as mail). A conversation going quiet backs that off,
 * doubling up to the regular poll, after `mailboxFastIdleMs` without mail in
 * either direction; the next mail sent or received makes it fast again.
 */
export class MailboxPace {
  private timer: NodeJS.Timeout | undefined;
  private intervalMs: number;
  private lastActivity = Date.now();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly deps: MailboxPaceDeps) {
    this.intervalMs = deps.limits.mailboxFastPollMs;
  }

  start(): void {
    this.unsubscribe = this.deps.bus.subscribe((frame) => {
      const received = frame.event === 'new_message' && frame.data.direction === 'received';
      const mailed = frame.event === 'message_status' && frame.data.status === 'stored';
      if (received || mailed) this.activity();
    });
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
  }

  private activity(): void {
    this.lastActivity = Date.now();
    if (this.intervalMs === this.deps.limits.mailboxFastPollMs) return;
    this.intervalMs = this.deps.limits.mailboxFastPollMs;
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { limits } = this.deps;
    if (this.deps.expecting()) {
      await this.deps.poll();
      if (Date.now() - this.lastActivity > limits.mailboxFastIdleMs) {
        this.intervalMs = Math.min(this.intervalMs * 2, limits.mailboxPollMs);
      }
    } else {
      // Nobody to wait for: check again soon (no I/O), fast when it starts.
      this.intervalMs = limits.mailboxFastPollMs;
      this.lastActivity = Date.now();
    }
    this.schedule();
  }
}
