import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchHit, SearchResponse } from '../../shared/contract.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

/** GET /search and the keyset history pages over real HTTP, on real hosts with a live session. */
describe('search and jumping into history', () => {
  const net = new Testnet();
  let alice: TestHost;
  let bob: TestHost;
  const sent: Record<string, string> = {};

  const get = async (host: TestHost, path: string) => {
    const res = await fetch(host.apiUrl + path, { headers: { Authorization: `Bearer ${host.token}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const search = async (host: TestHost, query: string) => {
    const { status, body } = await get(host, `/search?${query}`);
    expect(status).toBe(200);
    return body as unknown as SearchResponse;
  };
  const marked = (hit: SearchHit) => hit.highlights.map(([a, b]) => hit.text.slice(a, b));

  beforeAll(async () => {
    alice = await net.start({ username: 'alice' });
    bob = await net.start({ username: 'bob' });
    const carol = await net.start({ username: 'carol' });
    await net.befriend(alice, bob);
    await alice.api.addFriend('carol');
    await carol.stop();
    for (const text of ['Lunch at the Café?', 'the café on Rue Cler', '我们明天去北京', 'party 🎉 tonight', 'ok', 'lunch tomorrow then']) {
      sent[text] = (await alice.api.send('bob', text)).msg_id;
    }
    await alice.api.send('carol', 'lunch with carol');
    await eventually(async () => (await bob.api.messages('alice')).total === 6, 10_000, 'bob has every message');
  });
  afterAll(() => net.close());

  it('finds sent and received messages, newest first, with highlights', async () => {
    const mine = await search(alice, 'q=cafe');
    expect(mine.messages.map((m) => m.text)).toEqual(['the café on Rue Cler', 'Lunch at the Café?']);
    expect(mine.messages.map(marked)).toEqual([['café'], ['Café']]);
    expect(mine.messages[0]).toMatchObject({ direction: 'sent', from: 'alice', to: 'bob', msg_id: sent['the café on Rue Cler'] });
    const theirs = await search(bob, `q=${encodeURIComponent('北京')}`);
    expect(theirs.messages.map((m) => [m.direction, m.from, marked(m)])).toEqual([['received', 'alice', ['北京']]]);
    expect((await search(bob, `q=${encodeURIComponent('🎉')}`)).messages.map(marked)).toEqual([['🎉']]);
  });

  it('searches all chats or one, and pages with before=', async () => {
    const all = await search(alice, 'q=lunch&limit=2');
    expect(all.messages.map((m) => m.text)).toEqual(['lunch with carol', 'lunch tomorrow then']);
    expect(all.has_more).toBe(true);
    const next = await search(alice, `q=lunch&limit=2&before=${defined(all.messages[1]).msg_id}`);
    expect(next.messages.map((m) => m.text)).toEqual(['Lunch at the Café?']);
    expect(next.has_more).toBe(false);
    const one = await search(alice, 'q=lunch&peer=carol');
    expect(one.messages.map((m) => m.text)).toEqual(['lunch with carol']);
  });

  it('takes FTS5 syntax literally and never answers 500', async () => {
    for (const q of ['NEAR(lunch tomorrow)', 'lunch OR x', '"lunch', 'lunch*', 'body:lunch', '-lunch', '^lunch', 'lunch AND', '(']) {
      const { status } = await get(alice, `/search?q=${encodeURIComponent(q)}`);
      expect([200, 400], q).toContain(status);
    }
    expect((await search(alice, `q=${encodeURIComponent('"lunch tomorrow"')}`)).messages.map((m) => m.text)).toEqual(['lunch tomorrow then']);
    expect((await search(alice, `q=${encodeURIComponent('"tomorrow lunch"')}`)).messages).toEqual([]);
  });

  it('answers bad queries with a clear 4xx', async () => {
    const cases: Array<[string, number, string]> = [
      ['', 400, 'QUERY_EMPTY'],
      ['q=', 400, 'QUERY_EMPTY'],
      ['q=%20%20', 400, 'QUERY_EMPTY'],
      [`q=${encodeURIComponent('"" * - ?')}`, 400, 'QUERY_EMPTY'],
      [`q=${'x'.repeat(300)}`, 400, 'QUERY_TOO_LONG'],
      [`q=${Array.from({ length: 20 }, (_, i) => `w${i}`).join('+')}`, 400, 'QUERY_TOO_LONG'],
      ['q=ok&limit=0', 400, 'BAD_REQUEST'],
      ['q=ok&limit=501', 400, 'BAD_REQUEST'],
      ['q=ok&limit=ten', 400, 'BAD_REQUEST'],
      ['q=ok&peer=Not%20A%20Name', 400, 'INVALID_USERNAME'],
      ['q=ok&peer=zed', 404, 'NOT_A_FRIEND'],
      ['q=ok&before=nope', 400, 'BAD_REQUEST'],
      [`q=ok&peer=carol&before=${sent.ok}`, 400, 'BAD_REQUEST'],
    ];
    for (const [query, status, code] of cases) {
      const res = await get(alice, `/search?${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, status, code]);
      expect(typeof res.body.error).toBe('string');
    }
  });

  it('forgets a deleted message', async () => {
    const before = await search(bob, 'q=party');
    expect(before.messages).toHaveLength(1);
    await bob.api.deleteMessage(defined(before.messages[0]).msg_id);
    expect((await search(bob, 'q=party')).messages).toEqual([]);
    expect((await search(alice, 'q=party')).messages).toHaveLength(1);
  });

  it('opens history around a message and pages newer with after=', async () => {
    const around = await alice.api.messages('bob', { around: defined(sent['我们明天去北京']), limit: 3 });
    expect(around.messages.map((m) => m.text)).toEqual(['the café on Rue Cler', '我们明天去北京', 'party 🎉 tonight']);
    expect(around).toMatchObject({ total: 6, has_more: true, newer: 2 });
    const after = await alice.api.messages('bob', { after: defined(around.messages[2]).msg_id, limit: 5 });
    expect(after.messages.map((m) => m.text)).toEqual(['ok', 'lunch tomorrow then']);
    expect(after).toMatchObject({ has_more: true, newer: 0 });
    expect((await alice.api.messages('bob', { limit: 2 })).newer).toBe(0);
    expect((await alice.api.messages('bob', { limit: 2, offset: 3 })).newer).toBe(3);
    for (const query of ['after=nope', `around=${sent.ok}&before=${sent.ok}`, `after=${sent.ok}&offset=1`]) {
      const res = await get(alice, `/messages?peer=bob&${query}`);
      expect([query, res.status, res.body.code]).toEqual([query, 400, 'BAD_REQUEST']);
    }
    expect((await get(alice, `/messages?peer=carol&around=${sent.ok}`)).status).toBe(400);
  });
  it('sums up every chat for the contact list in one request', async () => {
    const list = (await get(bob, '/conversations')).body as unknown as Array<Record<string, unknown>>;
    expect(list).toEqual([
      { peer: 'alice', total: 5, unread: 5, last_message: expect.objectContaining({ text: 'lunch tomorrow then', direction: 'received', from: 'alice' }) },
    ]);
    const mine = await alice.api.conversations();
    expect(mine.map((c) => [c.peer, c.total, c.unread, c.last_message?.text])).toEqual([
      ['bob', 6, 0, 'lunch tomorrow then'],
      ['carol', 1, 0, 'lunch with carol'],
    ]);
    const events = await bob.events();
    const newest = defined(list[0]).last_message as { msg_id: string };
    events.send({ event: 'mark_read', data: { peer: 'alice', msg_id: newest.msg_id } });
    await eventually(async () => defined((await bob.api.conversations())[0]).unread === 0, 5_000, 'read');
    events.close();
  });
});
