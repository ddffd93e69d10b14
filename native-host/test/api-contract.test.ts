import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, Message, MessagesResponse, SendResult, StatusResponse } from '../../shared/contract.js';
import { call } from './support/host-reads.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

/** Every route of the contract over real HTTP against real host processes. */
describe('REST + WebSocket contract', () => {
  const net = new Testnet();
  let alice: TestHost;
  let bob: TestHost;

  beforeAll(async () => {
    alice = await net.start({ username: 'alice' });
    bob = await net.start({ username: 'bob' });
    await net.start({ username: 'carol' }).then((carol) => carol.stop());
  });
  afterAll(() => net.close());

  it('GET /status reports identity, peers and the directory', async () => {
    const { status, body } = await call(alice, 'GET', '/status');
    expect(status).toBe(200);
    const s = body as StatusResponse;
    expect(Object.keys(s).sort()).toEqual(['directory', 'fingerprint', 'friends_online', 'network', 'peer_count', 'uptime', 'username', 'version'].sort());
    // The local directory serves one machine: no DHT unless asked for.
    expect(s.network).toEqual({ dht: 'off', relays: 0 });
    expect(s.username).toBe('alice');
    expect(s.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4})+$/);
    expect(s.directory).toEqual({ kind: 'local', reachable: true });
    expect(typeof s.uptime).toBe('number');
    expect(s.peer_count).toBe(0);
  });

  it('accepts Content-Type: application/json on GET and DELETE without a body', async () => {
    expect((await call(alice, 'GET', '/friends')).status).toBe(200);
    expect((await call(alice, 'DELETE', '/friends/nobody')).status).toBe(404);
  });

  it('POST /friends pins the directory keys and answers a Contact', async () => {
    const { status, body } = await call(alice, 'POST', '/friends', { username: 'Bob' });
    expect(status).toBe(201);
    const c = body as Contact;
    expect(c.username).toBe('bob');
    expect(c.public_key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(c.signing_key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(c).toMatchObject({ verified: false, key_changed: false });
    expect(c.path === null || c.path === 'tcp').toBe(true);
    expect(typeof c.online).toBe('boolean');
    expect(Date.parse(c.added_at)).not.toBeNaN();
    const bobStatus = (await call(bob, 'GET', '/status')).body as StatusResponse;
    expect(c.fingerprint).toBe(bobStatus.fingerprint);
    const list = (await call(alice, 'GET', '/friends')).body as Contact[];
    expect(list.map((f) => f.username)).toEqual(['bob']);
  });

  it('POST /friends errors: 404 unknown, 409 already friends, 400 invalid or yourself', async () => {
    expect(await call(alice, 'POST', '/friends', { username: 'zed' })).toMatchObject({
      status: 404,
      body: { error: "User 'zed' not found", code: 'USER_NOT_FOUND' },
    });
    expect(await call(alice, 'POST', '/friends', { username: 'bob' })).toMatchObject({
      status: 409,
      body: { error: 'Already friends with bob', code: 'ALREADY_FRIENDS' },
    });
    expect((await call(alice, 'POST', '/friends', { username: 'no' })).status).toBe(400);
    expect((await call(alice, 'POST', '/friends', { username: 'alice' })).status).toBe(400);
    expect((await call(alice, 'POST', '/friends', {})).status).toBe(400);
  });

  it('POST /messages to a friend who cannot be reached is accepted, offline, never faked', async () => {
    await call(alice, 'POST', '/friends', { username: 'carol' });
    const { status, body } = await call(alice, 'POST', '/messages', { to: 'carol', text: 'hello carol' });
    expect(status).toBe(201);
    const r = body as SendResult;
    expect(r.msg_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(r).toMatchObject({ delivered: false, delivery_method: 'offline' });
    expect(['queued', 'stored']).toContain(r.status);
  });

  it('POST /messages errors: 404 not a friend, 400 empty or too long', async () => {
    expect(await call(alice, 'POST', '/messages', { to: 'zed', text: 'x' })).toMatchObject({
      status: 404,
      body: { error: "User 'zed' not found in friends list" },
    });
    expect((await call(alice, 'POST', '/messages', { to: 'carol', text: '' })).status).toBe(400);
    expect((await call(alice, 'POST', '/messages', { to: 'carol', text: '   ' })).status).toBe(400);
    expect((await call(alice, 'POST', '/messages', { to: 'carol', text: 'x'.repeat(16_001) })).status).toBe(400);
    expect((await call(alice, 'POST', '/messages', { to: 'carol' })).status).toBe(400);
  });

  it('GET /messages pages newest first, oldest first within a page, by offset and by before=', async () => {
    const sent: string[] = [];
    for (let i = 0; i < 120; i++) {
      sent.push(((await call(alice, 'POST', '/messages', { to: 'carol', text: `m${i}` })).body as SendResult).msg_id);
    }
    const all = ['hello carol', ...Array.from({ length: 120 }, (_, i) => `m${i}`)];
    const first = (await call(alice, 'GET', '/messages?peer=carol&limit=50&offset=0')).body as MessagesResponse;
    expect(first.total).toBe(121);
    expect(first.has_more).toBe(true);
    expect(first.messages.map((m) => m.text)).toEqual(all.slice(-50));
    const m = first.messages[0] as Message;
    expect(Object.keys(m).sort()).toEqual(
      ['attachments', 'delivered', 'delivery_method', 'direction', 'from', 'msg_id', 'read', 'status', 'text', 'timestamp', 'to', 'reply_to', 'edited_at', 'deleted', 'reactions'].sort(),
    );
    expect(m).toMatchObject({ from: 'alice', to: 'carol', direction: 'sent', delivered: false, delivery_method: 'offline' });
    expect(m).toMatchObject({ reply_to: null, edited_at: null, deleted: false, reactions: [] });
    const second = (await call(alice, 'GET', '/messages?peer=carol&limit=50&offset=50')).body as MessagesResponse;
    expect(second.messages.map((x) => x.text)).toEqual(all.slice(-100, -50));
    const last = (await call(alice, 'GET', '/messages?peer=carol&limit=50&offset=100')).body as MessagesResponse;
    expect(last.messages.map((x) => x.text)).toEqual(all.slice(0, 21));
    expect(last.has_more).toBe(false);
    const keyset = (await call(alice, 'GET', `/messages?peer=carol&limit=50&before=${defined(first.messages[0]).msg_id}`)).body as MessagesResponse;
    expect(keyset.messages.map((x) => x.text)).toEqual(second.messages.map((x) => x.text));
    expect(keyset.has_more).toBe(true);
    const oldest = (await call(alice, 'GET', `/messages?peer=carol&limit=50&before=${sent[20]}`)).body as MessagesResponse;
    expect(oldest.messages.map((x) => x.text)).toEqual(all.slice(0, 21));
    expect(oldest.has_more).toBe(false);
    const defaults = (await call(alice, 'GET', '/messages?peer=carol')).body as MessagesResponse;
    expect(defaults.messages).toHaveLength(50);
  });

  it('GET /messages errors: 400 missing or invalid params, 404 not a friend', async () => {
    expect((await call(alice, 'GET', '/messages')).status).toBe(400);
    expect((await call(alice, 'GET', '/messages?peer=carol&limit=0')).status).toBe(400);
    expect((await call(alice, 'GET', '/messages?peer=carol&limit=-5')).status).toBe(400);
    expect((await call(alice, 'GET', '/messages?peer=carol&limit=100000')).status).toBe(400);
    expect((await call(alice, 'GET', '/messages?peer=carol&offset=abc')).status).toBe(400);
    expect((await call(alice, 'GET', '/messages?peer=carol&offset=0&before=x')).status).toBe(400);
    expect((await call(alice, 'GET', '/messages?peer=carol&before=not-a-message')).status).toBe(400);
    expect((await call(alice, 'GET', '/messages?peer=zed')).status).toBe(404);
  });

  it('DELETE /messages/:id removes one message; unknown ids 404', async () => {
    const { body } = await call(alice, 'POST', '/messages', { to: 'carol', text: 'to be deleted' });
    const id = (body as SendResult).msg_id;
    const before = ((await call(alice, 'GET', '/messages?peer=carol&limit=1')).body as MessagesResponse).total;
    expect((await call(alice, 'DELETE', `/messages/${id}`)).status).toBe(204);
    const after = (await call(alice, 'GET', '/messages?peer=carol&limit=1')).body as MessagesResponse;
    expect(after.total).toBe(before - 1);
    expect(defined(after.messages[0]).msg_id).not.toBe(id);
    expect((await call(alice, 'DELETE', `/messages/${id}`)).status).toBe(404);
  });

  it('unknown routes 404, wrong methods 405, every error has {error, code}', async () => {
    const unknown = await call(alice, 'GET', '/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: expect.any(String), code: 'ROUTE_NOT_FOUND' });
    const wrong = await call(alice, 'PUT', '/friends');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toContain('GET');
  });

  it('POST /setup: 409 when already set up', async () => {
    expect(await call(alice, 'POST', '/setup', { username: 'alice2' })).toMatchObject({ status: 409, body: { code: 'ALREADY_SET_UP' } });
  });

  it('verify routes: the same safety number on both sides, then marked verified', async () => {
    await call(bob, 'POST', '/friends', { username: 'alice' });
    const a = (await call(alice, 'GET', '/friends/bob/verify')).body;
    const b = (await call(bob, 'GET', '/friends/alice/verify')).body;
    expect(a.safety_number).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(a.safety_number).toBe(b.safety_number);
    expect(a).toMatchObject({ username: 'bob', verified: false, key_changed: false });
    expect(a.own_fingerprint).toBe(b.fingerprint);
    expect((await call(alice, 'POST', '/friends/bob/verify', { safety_number: '1'.repeat(60) })).status).toBe(409);
    const marked = await call(alice, 'POST', '/friends/bob/verify', { safety_number: a.safety_number });
    expect(marked).toMatchObject({ status: 200, body: { username: 'bob', verified: true } });
    expect((await call(alice, 'GET', '/friends/zed/verify')).status).toBe(404);
  });

  it('DELETE /friends/:username removes a friend, then 404; friends_changed reaches every client', async () => {
    const clients = await Promise.all([alice.events(), alice.events(), alice.events()]);
    expect((await call(alice, 'DELETE', '/friends/carol')).status).toBe(204);
    for (const c of clients) await c.waitFor('friends_changed');
    expect((await call(alice, 'DELETE', '/friends/carol')).status).toBe(404);
    expect((await call(alice, 'GET', '/messages?peer=carol')).status).toBe(404);
    for (const c of clients) c.close();
  });

  it('malformed WebSocket frames get an error event and change nothing; the client stays connected', async () => {
    const bad = await alice.events();
    const good = await alice.events();
    for (const frame of ['not json', '{"event":"mark_read"}', '{"event":"typing","data":{"to":"zed","typing":true}}', '[]', '{"event":"explode","data":{}}']) {
      bad.send(frame);
    }
    await expect.poll(() => bad.of('error').length, { timeout: 5000 }).toBe(5);
    expect(bad.of('error')[0]).toEqual({ error: expect.any(String) });
    expect(good.of('error')).toHaveLength(0);
    expect((await call(alice, 'GET', '/status')).status).toBe(200);
    await call(alice, 'POST', '/friends', { username: 'carol' });
    await bad.waitFor('friends_changed');
    await good.waitFor('friends_changed');
    bad.close();
    good.close();
  });
});
