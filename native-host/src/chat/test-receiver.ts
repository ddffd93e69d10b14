import type { HostEvent } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { memoryLogger } from '../logger.js';
import { EventBus } from './event-bus.js';
import { Incoming } from './incoming.js';
import { ItemKinds } from './item-kinds.js';
import { registerMessageKinds } from './message-kinds.js';
import { MessageViews } from './message-views.js';
import { countingTransaction, FakeTransport, fastLimits, friendRow, memoryStore, NO_OFFERS } from './test-support.js';

/**
 * bob's receive pipeline for in-process tests: real SQLite in memory, the
 * item kinds of chat messages, alice and carol as friends with live
 * sessions on a fake transport that records the acks.
 */
export function receiver(limits: Limits = fastLimits()) {
  const store = memoryStore();
  for (const name of ['alice', 'carol']) store.friends.insert(friendRow(name));
  const bus = new EventBus();
  const events: HostEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const transport = new FakeTransport();
  transport.up('alice');
  transport.up('carol');
  const tx = countingTransaction(store);
  const log = memoryLogger();
  const self = () => 'bob';
  const views = new MessageViews({ messages: store.messages, reactions: store.changes, attachments: store.attachments, bus, self });
  const kinds = new ItemKinds();
  registerMessageKinds(kinds, { messages: store.messages, changes: store.changes, early: store.earlyChanges, bus, views, self, limits, log, offers: NO_OFFERS, withdrawAttachments: () => {} });
  const incoming = new Incoming({ kinds, isFriend: (name) => store.friends.get(name) !== undefined, transaction: tx.run, transport, log });
  return { store, bus, events, transport, tx, log, views, kinds, incoming };
}
