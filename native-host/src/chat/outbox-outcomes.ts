import type { DeliveryMethod } from '../../../shared/contract.js';
import type { Logger } from '../logger.js';
import type { StatusChange } from '../store/messages-repo.js';
import type { OutboxItem, OutboxRepo } from '../store/outbox-repo.js';
import type { DeliveryStatus } from './delivery-status.js';
import { Waiters, type Settled } from './waiters.js';

/** Confirmations of one tick: by ack (direct) or delivery receipt (offline). */
export type Confirmation = { peer: string; ids: readonly string[]; via: DeliveryMethod };

/**
 * What happens when outbox items reach the mailbox or the friend: the
 * outbox and the messages' status change in one transaction, one
 * `message_status` per message is announced after it, and whoever waits
 * on an item hears of it.
 */
export class OutboxOutcomes {
  readonly waiters = new Waiters();

  constructor(
    private readonly deps: {
      repo: Pick<OutboxRepo, 'markStored' | 'confirm'>;
      transaction: <T>(fn: () => T) => T;
      status: Pick<DeliveryStatus, 'stored' | 'confirmed' | 'announce'>;
      log: Logger;
    },
  ) {}

  /** These items are now sealed in the friend's mailbox (those confirmed meanwhile stay confirmed). */
  stored(peer: string, ids: readonly string[]): void {
    const { items, changes } = this.deps.transaction(() => {
      const items = ids.map((id) => this.deps.repo.markStored(id)).filter((item): item is OutboxItem => item !== undefined);
      return { items, changes: this.deps.status.stored(peer, items) };
    });
    this.deps.status.announce(changes);
    this.settle(
      items.map((item) => item.id),
      'stored',
      changes,
    );
  }

  /** Every confirmation that arrived in one tick: one transaction. */
  confirmed(batch: readonly Confirmation[]): void {
    try {
      const { ids, changes } = this.deps.transaction(() => {
        const ids: string[] = [];
        const changes: StatusChange[] = [];
        for (const { peer, ids: confirmed, via } of batch) {
          const items = this.deps.repo.confirm(peer, confirmed);
          for (const item of items) ids.push(item.id);
          for (const change of this.deps.status.confirmed(peer, items, via)) changes.push(change);
        }
        return { ids, changes };
      });
      this.deps.status.announce(changes);
      this.settle(ids, 'confirmed', changes);
    } catch (err) {
      // The items stay in the outbox; they go out again and the friend confirms again.
      this.deps.log.error('could not apply confirmations', { err });
    }
  }

  private settle(ids: readonly string[], state: Settled['state'], changes: readonly StatusChange[]): void {
    const byId = new Map(changes.map((change) => [change.msg_id, change]));
    for (const id of ids) this.waiters.settle(id, { state, change: byId.get(id) });
  }
}
