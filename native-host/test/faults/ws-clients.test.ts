import { afterAll, describe, expect, it } from 'vitest';
import type { EventClient } from '../../../testkit/event-client.js';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import { burst } from './support/burst.js';
import { friends } from './support/pair.js';
import { StalledWsClient } from './support/raw-ws.js';
import { defined } from '../../../shared/defined.js';

/** The event stream under load: many clients at once, and one that stops reading. */
describe('WebSocket clients under abuse', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('200 clients at once all receive every event, in the same order', async () => {
    const [alice, bob] = await friends(net, { username: 'alice' }, { username: 'bob' });
    const clients: EventClient[] = [];
    for (let batch = 0; batch < 4; batch++) clients.push(...(await Promise.all(Array.from({ length: 50 }, () => bob.events()))));
    const aliceWs = await alice.events();
    aliceWs.send({ event: 'typing', data: { to: 'bob', typing: true } });
    const out = await burst(alice, 'bob', 'ws-200', 30, { concurrency: 1 });
    const ids = [...out.accepted.keys()];
    await eventually(
      () => clients.every((c) => c.of('new_message').length >= ids.length && c.of('typing').length >= 1),
      60_000,
      'every client has every event',
    );
    const seqs = clients.map((c) => c.of('new_message').map((m) => m.msg_id).join(','));
    const missing = clients.reduce((n, c) => n + ids.filter((id) => !c.of('new_message').some((m) => m.msg_id === id)).length, 0);
    const duplicated = clients.reduce((n, c) => n + c.of('new_message').length - new Set(c.of('new_message').map((m) => m.msg_id)).size, 0);
    console.log(`abuse[ws-200]: clients=${clients.length} events_per_client=${ids.length + 1} missing=${missing} duplicated=${duplicated}`);
    expect(new Set(seqs).size).toBe(1);
    expect(seqs[0]).toBe(ids.join(','));
    expect(missing).toBe(0);
    expect(duplicated).toBe(0);
    for (const c of [...clients, aliceWs]) c.close();
  });

  it('one client that stops reading never stalls the others', async () => {
    const [alice, bob] = await friends(
      net,
      { username: 'carol' },
      { username: 'dave', args: ['--limit', 'wsMaxBufferedBytes=262144'] },
    );
    const slow = await StalledWsClient.connect(bob.info.ws_port, bob.token);
    const clients = await Promise.all(Array.from({ length: 10 }, () => bob.events()));
    const seenAt = new Map<string, number[]>();
    for (const c of clients) {
      c.socket.on('message', (data) => {
        const e = JSON.parse(data.toString()) as { event: string; data: { msg_id?: string } };
        if (e.event === 'new_message') seenAt.set(defined(e.data.msg_id), [...(seenAt.get(defined(e.data.msg_id)) ?? []), Date.now()]);
      });
    }
    const answeredAt = new Map<string, number>();
    const padding = 'x'.repeat(6000);
    const out = await burst(alice, 'dave', `slow-ws ${padding}`, 300, {
      concurrency: 4,
      onAccepted: (_n, accepted) => {
        for (const id of accepted.keys()) if (!answeredAt.has(id)) answeredAt.set(id, Date.now());
      },
    });
    expect(out.unanswered).toEqual([]);
    await eventually(() => [...out.accepted.keys()].every((id) => seenAt.get(id)?.length === clients.length), 60_000, 'every fast client has every message');
    // How long after the sender's 201 the last fast client saw each message (negative: before it).
    const lags = [...out.accepted.keys()].map((id) => Math.max(...defined(seenAt.get(id))) - defined(answeredAt.get(id))).sort((a, b) => a - b);
    const p99 = defined(lags[Math.floor(lags.length * 0.99)]);
    const dropped = await slow.drain();
    console.log(`abuse[ws-slow]: messages=${out.accepted.size} fast_clients=${clients.length} bytes_per_client~${out.accepted.size * 6100} p99_lag_ms=${p99} max_lag_ms=${lags.at(-1)} slow_client_dropped=${dropped}`);
    expect(p99).toBeLessThan(5000);
    expect(clients.every((c) => c.socket.readyState === c.socket.OPEN)).toBe(true);
    for (const c of clients) c.close();
  });
});
