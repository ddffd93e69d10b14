import { errors } from '../errors.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import type { PeerTransport } from './transport.js';

/** Our side of read receipts: what the user has seen, told to the friend. */
export class ReadReceipts {
  constructor(
    private readonly deps: {
      messages: Pick<MessagesRepo, 'get' | 'markReceivedRead' | 'lastReadReceived'>;
      transport: Pick<PeerTransport, 'send'>;
    },
  ) {}

  /** The user has seen everything from `peer` up to `msgId`; tell the peer. */
  markRead(peer: string, msgId: string): void {
    const upTo = this.deps.messages.get(msgId);
    if (!upTo || upTo.peer !== peer || upTo.direction !== 'received') throw errors.messageNotFound(msgId);
    this.deps.messages.markReceivedRead(peer, upTo);
    this.deps.transport.send(peer, { type: 'read', msg_id: upTo.msg_id });
  }

  /** A new session: repeat the latest read receipt, which may have been missed (it covers all older ones). */
  resend(peer: string): void {
    const last = this.deps.messages.lastReadReceived(peer);
    if (last) this.deps.transport.send(peer, { type: 'read', msg_id: last.msg_id });
  }
}
