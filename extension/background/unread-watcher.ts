import type { ApiClient } from '../../shared/api-client.js';
import type { Message } from '../../shared/contract.js';
import type { EventStream } from '../services/event-stream.js';

export interface UnreadWatcherOptions {
  api: ApiClient;
  stream: EventStream;
  setBadge: (text: string) => void;
  /** Called for each incoming message; the caller decides whether to notify. */
  onMessage: (message: Message) => void;
}

/** Badge text for a total: empty at zero, `99+` past two digits. */
export function badgeText(total: number): string {
  if (total <= 0) return '';
  return total > 99 ? '99+' : String(total);
}

/**
 * Keeps the total unread count for the toolbar badge: the host's counts on
 * start and whenever the friend list changes, then incoming messages and the
 * open pages' own counts.
 */
export class UnreadWatcher {
  private readonly counts = new Map<string, number>();
  private readonly seen = new Set<string>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly options: UnreadWatcherOptions;

  constructor(options: UnreadWatcherOptions) {
    this.options = options;
    const { stream } = options;
    this.unsubscribe.push(
      stream.on('new_message', (m) => {
        if (this.seen.has(m.msg_id)) return;
        this.seen.add(m.msg_id);
        if (!m.read) this.bump(m.from, 1);
        options.onMessage(m);
      }),
      stream.on('friends_changed', () => void this.prime()),
    );
  }

  /** Takes every friend's unread count from the host in one request. */
  async prime(): Promise<void> {
    const next = new Map<string, number>();
    for (const c of await this.options.api.conversations()) {
      if (c.last_message) this.seen.add(c.last_message.msg_id);
      next.set(c.peer, c.unread);
    }
    this.counts.clear();
    for (const [peer, n] of next) this.counts.set(peer, n);
    this.render();
  }

  /** Takes the counts an open page computed (it has marked chats read). */
  replace(counts: Record<string, number>): void {
    this.counts.clear();
    for (const [peer, n] of Object.entries(counts)) if (Number.isFinite(n) && n > 0) this.counts.set(peer, n);
    this.render();
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  dispose(): void {
    for (const off of this.unsubscribe) off();
    this.options.setBadge('');
  }

  private bump(peer: string, by: number): void {
    this.counts.set(peer, (this.counts.get(peer) ?? 0) + by);
    this.render();
  }

  private render(): void {
    this.options.setBadge(badgeText(this.total));
  }
}
