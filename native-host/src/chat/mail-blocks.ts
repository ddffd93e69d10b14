import type { MailBlock } from '../../../shared/contract.js';
import type { EventBus } from './event-bus.js';

/**
 * Why the mailbox refuses our mail to a friend right now (no capability
 * from them yet, a rate limit, a full directory), as the contact shows it.
 * Messages to them stay queued meanwhile; a change is announced as
 * `friends_changed` so clients fetch the list again.
 */
export class MailBlocks {
  private readonly blocks = new Map<string, MailBlock>();

  constructor(private readonly bus: EventBus) {}

  get(peer: string): MailBlock | null {
    return this.blocks.get(peer) ?? null;
  }

  set(peer: string, block: MailBlock): void {
    const held = this.blocks.get(peer);
    if (held?.code === block.code && held.reason === block.reason) return;
    this.blocks.set(peer, block);
    this.bus.emit('friends_changed', {});
  }

  clear(peer: string): void {
    if (this.blocks.delete(peer)) this.bus.emit('friends_changed', {});
  }
}
