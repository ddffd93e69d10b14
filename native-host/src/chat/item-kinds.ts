import type { DeliveryMethod } from '../../../shared/contract.js';

/**
 * The receiving side of one kind of outbox item (chat messages now; edits,
 * reactions, grants and file offers add their own). The sending side needs
 * nothing per kind: `Outbox.add` takes any kind and body.
 */
export interface ItemHandler<Body = unknown> {
  readonly kind: string;
  /** Checks a body that came from a peer, live or through the mailbox; null when malformed. */
  parse(body: unknown): Body | null;
  /**
   * Commits a received item. Runs inside the transaction of everything
   * received in the same tick, before the ack. The same (sender, id) can
   * arrive again (a lost ack, live and through the mailbox): it must then
   * change nothing and still be acked.
   */
  commit(from: string, id: string, body: Body, via: DeliveryMethod): Committed;
}

/** Ack it (and announce it once the transaction commits), or refuse it: the sender keeps it. */
export type Committed = { ack: true; announce?: () => void } | { ack: false; reason: string };

/** The item kinds this host understands. */
export class ItemKinds {
  private readonly handlers = new Map<string, ItemHandler>();

  register<Body>(handler: ItemHandler<Body>): void {
    if (this.handlers.has(handler.kind)) throw new Error(`item kind '${handler.kind}' registered twice`);
    this.handlers.set(handler.kind, handler as ItemHandler);
  }

  get(kind: string): ItemHandler | undefined {
    return this.handlers.get(kind);
  }
}
