import { describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../shared/contract.js';
import { memoryLogger } from '../logger.js';
import { MAX_ACK_IDS, type ItemFrame } from '../peer/peer-protocol.js';
import { EventBus } from './event-bus.js';
import { Incoming } from './incoming.js';
import { ItemKinds } from './item-kinds.js';
import { messageItem } from './message-item.js';
import { countingTransaction, FakeTransport, fastLimits, friendRow, memoryStore, nextTick } from './test-support.js';


/** bob's receive pipeline, with alice and carol as friends. */
function rig() {
  const store = memoryStore();
  for (const name of ['alice', 'carol']) store.friends.insert(friendRow(name));
  const bus = new EventBus();
  const events: HostEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const transport = new FakeTransport();
  transport.up('alice');
  transport.up('carol');
  const tx = countingTransaction(store);
  const kinds = new ItemKinds();
  const log = memoryLogger();
  kinds.register(messageItem({ messages: store.messages, bus, self: () => 'bob', maxTextLength: fastLimits().maxTextLength, maxClockSkewMs: fastLimits().maxClockSkewMs, log }));
  const incoming = new Incoming({ kinds, isFriend: (name) => store.friends.get(name) !== undefined, transaction: tx.run, transport, log });
  const newMessages = () => events.flatMap((e) => (e.event === 'new_message' ? [e.data.text] : []));
  return { store, kinds, transport, tx, incoming, log, newMessages };
}

let counter = 0;
function item(text: string, over: Partial<ItemFrame> = {}): ItemFrame {
  counter += 1;
  return { type: 'item', id: `id-${counter}`, kind: 'message', body: { timestamp: new Date().toISOString(), text }, ...over };
}

describe('incoming items', () => {
  it('commits everything that arrived in one tick in one transaction, then acks each sender once', async () => {
    const r = rig();
    const fromAlice = ['a1', 'a2', 'a3'].map((text) => item(text));
    const fromCarol = ['c1', 'c2'].map((text) => item(text));
    for (const [i, frame] of [...fromAlice, ...fromCarol].entries()) r.incoming.receive(i < 3 ? 'alice' : 'carol', frame);
    expect(r.tx.count()).toBe(0);
    expect(r.transport.sent).toEqual([]);
    await nextTick();
    expect(r.tx.count()).toBe(1);
    expect(r.transport.sent).toEqual([
      { to: 'alice', message: { type: 'ack', ids: fromAlice.map((f) => f.id) } },
      { to: 'carol', message: { type: 'ack', ids: fromCarol.map((f) => f.id) } },
    ]);
    expect(r.newMessages()).toEqual(['a1', 'a2', 'a3', 'c1', 'c2']);
    expect(r.store.messages.pageByOffset('alice', 10, 0).rows.map((m) => m.text)).toEqual(['a1', 'a2', 'a3']);
  });

  it('acks a repeat again without showing it twice', async () => {
    const r = rig();
    const frame = item('once');
    r.incoming.receive('alice', frame);
    await nextTick();
    r.incoming.receive('alice', frame);
    r.incoming.receive('alice', frame);
    await nextTick();
    expect(r.transport.framesOf('ack')).toEqual([
      { type: 'ack', ids: [frame.id] },
      { type: 'ack', ids: [frame.id, frame.id] },
    ]);
    expect(r.newMessages()).toEqual(['once']);
  });

  it('leaves unknown kinds, malformed bodies, strangers and reused ids unacked, and commits the rest', async () => {
    const r = rig();
    const good = item('fine');
    const taken = item('first');
    r.incoming.receive('carol', taken);
    await nextTick();
    r.incoming.receive('alice', item('from the future', { kind: 'hologram' }));
    r.incoming.receive('alice', item('', {}));
    r.incoming.receive('alice', { ...item('x'), body: { text: 'no timestamp' } });
    r.incoming.receive('mallory', item('not a friend'));
    r.incoming.receive('alice', { ...taken, body: { ...taken.body, text: 'same id as carol’s' } });
    r.incoming.receive('alice', good);
    await nextTick();
    expect(r.transport.framesOf('ack').at(-1)).toEqual({ type: 'ack', ids: [good.id] });
    expect(r.newMessages()).toEqual(['first', 'fine']);
    expect(r.log.lines.map((l) => l.fields?.why)).toEqual(['unknown kind', 'malformed', 'malformed', 'its msg_id is already used by another message']);
  });

  it('acks nothing when the commit fails, so every sender tries again', async () => {
    const r = rig();
    r.kinds.register({
      kind: 'boom',
      parse: (body) => body,
      commit: () => {
        throw new Error('disk full');
      },
    });
    r.incoming.receive('alice', item('rolled back'));
    r.incoming.receive('alice', item('x', { kind: 'boom' }));
    await nextTick();
    expect(r.transport.sent).toEqual([]);
    expect(r.newMessages()).toEqual([]);
    expect(r.store.messages.total('alice')).toBe(0);
    expect(r.log.lines.at(-1)?.message).toBe('could not commit received items');
  });

  it('splits acks over frames of at most MAX_ACK_IDS ids', async () => {
    const r = rig();
    const frames = Array.from({ length: MAX_ACK_IDS + 3 }, (_, i) => item(`m${i}`));
    for (const frame of frames) r.incoming.receive('alice', frame);
    await nextTick();
    expect(r.tx.count()).toBe(1);
    expect(r.transport.framesOf('ack').map((a) => a.ids.length)).toEqual([MAX_ACK_IDS, 3]);
    expect(r.transport.framesOf('ack').flatMap((a) => a.ids)).toEqual(frames.map((f) => f.id));
  });
});
