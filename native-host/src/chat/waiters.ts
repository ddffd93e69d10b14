import type { StatusChange } from '../store/messages-repo.js';

/**
 * Where an outbox item stands for someone waiting on it: the friend
 * confirmed it, it is sealed in their mailbox, or it is still waiting for a
 * route (or the wait ran out). `change` is the chat message's new state when
 * the step that settled it moved one.
 */
export interface Settled {
  state: 'confirmed' | 'stored' | 'pending';
  change?: StatusChange;
}

/**
 * Callers waiting, each for one outbox item, up to a deadline that the
 * send pipeline moves as the item goes from one route to the next.
 */
export class Waiters {
  private readonly waiting = new Map<string, { peer: string; resolve: (s: Settled) => void; timer: NodeJS.Timeout }>();

  wait(id: string, peer: string, timeoutMs: number): Promise<Settled> {
    return new Promise((resolve) => {
      this.waiting.set(id, { peer, resolve, timer: this.deadline(id, timeoutMs) });
    });
  }

  /** Gives the waiter on `id` (if any) `timeoutMs` from now. */
  extend(id: string, timeoutMs: number): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    entry.timer = this.deadline(id, timeoutMs);
  }

  settle(id: string, settled: Settled): void {
    const entry = this.waiting.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.waiting.delete(id);
    entry.resolve(settled);
  }

  /** Nothing more will happen soon for any of this friend's items. */
  settlePeer(peer: string): void {
    for (const [id, entry] of this.waiting) if (entry.peer === peer) this.settle(id, { state: 'pending' });
  }

  close(): void {
    for (const id of [...this.waiting.keys()]) this.settle(id, { state: 'pending' });
  }

  private deadline(id: string, timeoutMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.settle(id, { state: 'pending' }), timeoutMs);
    timer.unref();
    return timer;
  }
}
