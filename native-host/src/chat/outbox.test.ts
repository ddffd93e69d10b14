import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../shared/contract.js';
import { memoryLogger } from '../logger.js';
import { backoff } from './backoff.js';
import { DeliveryStatus } from './delivery-status.js';
import { EventBus } from './event-bus.js';
import { GroupCommit } from './group-commit.js';
import { MessageSender } from './message-sender.js';
import { Outbox } from './outbox.js';
import { countingTransaction, FakeMailbox, FakeTransport, fastLimits, friendRow, memoryStore, nextTick, NO_UPLOADS } from './test-support.js';
import { defined } from '../../../shared/defined.js';

const limits = fastLimits();
const outboxes: Outbox[] = [];
afterEach(() => {
  for (const outbox of outboxes.splice(0)) outbox.stop();
});

/** alice's outbox with bob as a friend; the transport and the mailbox are the test's. */
function rig(store = memoryStore()) {
  if (!store.friends.get('bob')) store.friends.insert(friendRow('bob'));
  const bus = new EventBus();
  const events: HostEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const transport = new FakeTransport();
  const mailbox = new FakeMailbox();
  const tx = countingTransaction(store);
  const state = { held: false };
  const delivery = new DeliveryStatus({ messages: store.messages, outbox: store.outbox, transaction: tx.run, bus });
  const outbox = new Outbox({
    repo: store.outbox,
    transaction: tx.run,
    transport,
    mailbox,
    status: delivery,
    canSend: () => !state.held,
    limits,
    log: memoryLogger(),
  });
  const commits = new GroupCommit(tx.run);
  const sender = new MessageSender({
    messages: store.messages,
    outbox,
    contacts: { require: () => defined(store.friends.get('bob')) },
    attachments: NO_UPLOADS,
    commit: (write) => commits.run(write),
    self: () => 'alice',
    limits,
  });
  outbox.start();
  outboxes.push(outbox);
  const statuses = () => events.flatMap((e) => (e.event === 'message_status' ? [`${e.data.msg_id}:${e.data.status}`] : []));
  const itemIds = () => transport.framesOf('item').map((f) => f.id);
  return { store, transport, mailbox, outbox, sender, tx, state, events, statuses, itemIds, send: (text: string) => sender.send('bob', text) };
}

describe('outbox', () => {
  it('sends on a live session in order, and applies a tick of acks in one transaction', async () => {
    const r = rig();
    r.transport.up('bob');
    const sends = ['one', 'two', 'three'].map((text) => r.send(text));
    await nextTick();
    const ids = r.itemIds();
    expect(r.transport.framesOf('item').map((f) => f.body.text)).toEqual(['one', 'two', 'three']);
    const before = r.tx.count();
    r.outbox.confirm('bob', [defined(ids[0])], 'direct');
    r.outbox.confirm('bob', [defined(ids[1]), defined(ids[2])], 'direct');
    const results = await Promise.all(sends);
    expect(r.tx.count() - before).toBe(1);
    expect(results.map((x) => [x.msg_id, x.status, x.delivery_method, x.delivered])).toEqual(ids.map((id) => [id, 'delivered', 'direct', true]));
    expect(r.statuses()).toEqual(ids.map((id) => `${id}:delivered`));
    expect(r.store.outbox.peers()).toEqual([]);
    // A repeated ack changes nothing and announces nothing.
    r.outbox.confirm('bob', ids, 'direct');
    await nextTick();
    expect(r.statuses()).toHaveLength(3);
  });

  it('keeps sending on the same session once the outbox has emptied', async () => {
    const r = rig();
    r.transport.up('bob');
    for (const text of ['first', 'second']) {
      const sending = r.send(text);
      await nextTick();
      const frame = defined(r.transport.framesOf('item').at(-1));
      expect(frame.body.text).toBe(text);
      r.outbox.confirm('bob', [frame.id], 'direct');
      await expect(sending).resolves.toMatchObject({ status: 'delivered', delivery_method: 'direct' });
      expect(r.store.outbox.peers()).toEqual([]);
    }
  });

  it('a new session gets everything unconfirmed, sealed items too, in send order, once', async () => {
    const r = rig();
    const stored = await r.send('sealed');
    expect(stored).toMatchObject({ status: 'stored', delivery_method: 'offline', delivered: false });
    r.mailbox.up = false;
    const queued = await r.send('queued');
    expect(queued.status).toBe('queued');
    r.transport.up('bob');
    r.outbox.sessionUp('bob');
    await nextTick();
    expect(r.itemIds()).toEqual([stored.msg_id, queued.msg_id]);
    r.outbox.drain('bob');
    await nextTick();
    expect(r.itemIds()).toHaveLength(2);
    // The ack of mail that went through the mailbox keeps it "offline".
    r.outbox.confirm('bob', [stored.msg_id, queued.msg_id], 'direct');
    await nextTick();
    expect(r.store.messages.get(stored.msg_id)).toMatchObject({ status: 'delivered', delivery_method: 'offline' });
    expect(r.store.messages.get(queued.msg_id)).toMatchObject({ status: 'delivered', delivery_method: 'direct' });
  });

  it('without a session: the mailbox in order, stopping at a failure, retried with backoff, nothing overtakes', async () => {
    const r = rig();
    const first = await r.send('1');
    expect(first.status).toBe('stored');
    // The directory refuses the second; the third must wait behind it, not overtake it.
    r.mailbox.refuse = (item) => item.body.includes('"2"');
    const [second, third] = [await r.send('2'), await r.send('3')];
    expect([second.status, third.status]).toEqual(['queued', 'queued']);
    expect(r.mailbox.stored).toEqual([first.msg_id]);
    expect(r.mailbox.offered.slice(1)).toEqual([[second.msg_id], [second.msg_id, third.msg_id]]);
    expect(defined(r.store.outbox.get(second.msg_id)).attempts).toBe(2);
    r.mailbox.refuse = null;
    await expect.poll(() => r.mailbox.stored.length, { timeout: 2000, interval: 10 }).toBe(3);
    expect(r.mailbox.stored).toEqual([first.msg_id, second.msg_id, third.msg_id]);
    expect(r.statuses()).toEqual([first, second, third].map((m) => `${m.msg_id}:stored`));
  });

  it('an item whose ack is overdue on a live session goes out again and into the mailbox', async () => {
    const r = rig();
    r.transport.up('bob');
    const started = Date.now();
    const result = await r.send('anyone there?');
    expect(Date.now() - started).toBeGreaterThanOrEqual(limits.sendAckTimeoutMs - 5);
    expect(result).toMatchObject({ status: 'stored', delivery_method: 'offline' });
    expect(r.itemIds()).toEqual([result.msg_id, result.msg_id]);
    expect(r.mailbox.stored).toEqual([result.msg_id]);
    // The late ack still confirms it; it went through the mailbox, so it stays "offline".
    r.outbox.confirm('bob', [result.msg_id], 'direct');
    await nextTick();
    expect(r.store.messages.get(result.msg_id)).toMatchObject({ status: 'delivered', delivery_method: 'offline' });
  });

  it('leaves items in flight on a session alone when the friend is reported online', async () => {
    const r = rig();
    r.transport.up('bob');
    const sending = r.send('in flight');
    r.outbox.sessionUp('bob');
    r.outbox.wake('bob');
    await nextTick();
    expect(r.mailbox.offered).toEqual([]);
    const [frame] = r.transport.framesOf('item');
    r.outbox.confirm('bob', [defined(frame).id], 'direct');
    await expect(sending).resolves.toMatchObject({ status: 'delivered', delivery_method: 'direct' });
    expect(r.mailbox.offered).toEqual([]);
  });

  it('holds everything for a friend whose keys changed, answers at once, and sends when woken', async () => {
    const r = rig();
    r.transport.up('bob');
    r.state.held = true;
    const started = Date.now();
    const result = await r.send('held');
    expect(Date.now() - started).toBeLessThan(limits.sendAckTimeoutMs);
    expect(result.status).toBe('queued');
    expect(r.transport.sent).toEqual([]);
    expect(r.mailbox.offered).toEqual([]);
    r.state.held = false;
    r.outbox.wake('bob');
    await nextTick();
    expect(r.itemIds()).toEqual([result.msg_id]);
  });

  it('carries any item kind, and only chat messages get a status', async () => {
    const r = rig();
    r.transport.up('bob');
    r.store.transaction(() => r.outbox.add({ id: 'react-1', peer: 'bob', kind: 'reaction', body: { emoji: '👍' } }));
    const settled = r.outbox.settle('react-1', 'bob');
    r.outbox.drain('bob');
    expect(r.transport.framesOf('item')).toEqual([{ type: 'item', id: 'react-1', kind: 'reaction', body: { emoji: '👍' } }]);
    r.outbox.confirm('bob', ['react-1'], 'direct');
    await expect(settled).resolves.toEqual({ state: 'confirmed', change: undefined });
    expect(r.statuses()).toEqual([]);
    expect(r.store.outbox.get('react-1')).toBeUndefined();
  });

  it('picks up where it left off after a restart, and drops an item whose message was deleted', async () => {
    const store = memoryStore();
    const before = rig(store);
    before.mailbox.up = false;
    const kept = await before.send('kept');
    const dropped = await before.send('deleted before it went out');
    before.outbox.stop();
    store.messages.delete(dropped.msg_id);
    const after = rig(store);
    await expect.poll(() => after.mailbox.stored, { timeout: 2000, interval: 10 }).toEqual([kept.msg_id]);
  });
});

describe('backoff', () => {
  it('doubles from the minimum to the cap, within ±25 %', () => {
    const bounds = { retryMinMs: 100, retryMaxMs: 1000 };
    expect([1, 2, 3, 4, 5, 30].map((n) => backoff(n, bounds, () => 0.5))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff(1, bounds, () => 0)).toBe(75);
    expect(backoff(1, bounds, () => 0.999_999)).toBe(125);
  });
});
