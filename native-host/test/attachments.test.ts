import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api-client.js';
import { attachmentOn, contentHash, fetchBytes, fileBytes, messageOn, PNG_1X1, storeFiles } from './support/attachments.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string | undefined }> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return { status: err.status, code: err.code };
    throw err;
  }
  throw new Error('expected a refusal');
}

/** Uploading, sending, receiving and serving attachments between real hosts. */
describe('attachments', () => {
  const net = new Testnet();
  afterAll(() => net.close());
  let alice: TestHost;
  let bob: TestHost;

  it('stores an upload under its hash and serves it back, images inline and anything else as a download', async () => {
    [alice, bob] = await Promise.all([net.start({ username: 'alice' }), net.start({ username: 'bob' })]);
    await net.befriend(alice, bob);
    const png = await alice.api.uploadAttachment('../../red dot.png', PNG_1X1, 'image/png; charset=x');
    expect(png).toMatchObject({ name: 'red dot.png', size: PNG_1X1.length, mime: 'image/png', state: 'available', hash: contentHash(PNG_1X1), error: null });
    expect(storeFiles(alice, 'files')).toEqual([png.hash]);
    expect(storeFiles(alice, 'incoming')).toEqual([]);

    const served = await fetch(`${alice.apiUrl}/attachments/${png.attachment_id}`, { headers: { Authorization: `Bearer ${alice.token}` } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('content-disposition')).toBe(`inline; filename="red dot.png"; filename*=UTF-8''red%20dot.png`);
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG_1X1)).toBe(true);

    // Named and declared as an image, but an SVG: never inline.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const fake = await alice.api.uploadAttachment('kitten.png', svg, 'image/png');
    const asFile = await fetch(`${alice.apiUrl}/attachments/${fake.attachment_id}`, { headers: { Authorization: `Bearer ${alice.token}` } });
    expect(asFile.headers.get('content-disposition')).toMatch(/^attachment; filename="kitten.png"/);
    expect(asFile.headers.get('content-type')).toBe('application/octet-stream');
    expect(asFile.headers.get('content-security-policy')).toContain('sandbox');
    await asFile.arrayBuffer();

    const name = await alice.api.uploadAttachment('Über\u202egnp.exe', Buffer.from('x'));
    expect(name.name).toBe('Übergnp.exe');
    expect(await refusal(alice.api.attachmentBlob('no-such-attachment'))).toEqual({ status: 404, code: 'ATTACHMENT_NOT_FOUND' });
    expect(await refusal(fetch(`${alice.apiUrl}/attachments/${png.attachment_id}`).then((r) => {
      if (!r.ok) throw new ApiError(r.status, 'unauthorized', 'UNAUTHORIZED');
    }))).toEqual({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('sends a file over the session: offered with the message, pulled, verified, served by the receiver', async () => {
    const bytes = fileBytes(3_000_000, 7);
    const up = await alice.api.uploadAttachment('dataset.bin', bytes, 'application/x-thing');
    const bobEvents = await bob.events();
    const aliceEvents = await alice.events();
    const sent = await alice.api.send('bob', 'the data', { attachments: [up.attachment_id] });
    expect(sent.delivered).toBe(true);

    const arrived = await bobEvents.waitFor('new_message', (m) => m.msg_id === sent.msg_id);
    expect(arrived.attachments).toEqual([
      expect.objectContaining({ attachment_id: up.attachment_id, name: 'dataset.bin', size: bytes.length, mime: 'application/x-thing', hash: up.hash, mailbox: false }),
    ]);
    const done = await attachmentOn(bob, 'alice', sent.msg_id, (a) => a.state === 'available');
    expect(done.received_bytes).toBe(bytes.length);
    expect(Buffer.from(await fetchBytes(bob, up.attachment_id)).equals(Buffer.from(bytes))).toBe(true);
    expect(storeFiles(bob, 'partial')).toEqual([]);
    // The sender learns the friend's host verified it.
    await attachmentOn(alice, 'bob', sent.msg_id, (a) => a.state === 'available' && a.received_bytes === bytes.length);
    await aliceEvents.waitFor('message_updated', (m) => m.msg_id === sent.msg_id && m.attachments[0]?.state === 'available');
    await bobEvents.waitFor('message_updated', (m) => m.msg_id === sent.msg_id && m.attachments[0]?.state === 'available');
    // Progress events are throttled: a few, not one per chunk.
    const updates = bobEvents.of('message_updated').filter((m) => m.msg_id === sent.msg_id).length;
    expect(updates).toBeLessThan(20);
    bobEvents.close();
    aliceEvents.close();
  });

  it('takes a message of attachments only, and refuses bad lists', async () => {
    const a = await alice.api.uploadAttachment('a.txt', Buffer.from('aaa'));
    const b = await alice.api.uploadAttachment('b.txt', Buffer.from('bbb'));
    const sent = await alice.api.send('bob', '', { attachments: [a.attachment_id, b.attachment_id] });
    const got = await eventually(() => messageOn(bob, 'alice', sent.msg_id), 10_000, 'the message at bob');
    expect(got.text).toBe('');
    expect(got.attachments.map((x) => x.name)).toEqual(['a.txt', 'b.txt']);
    await attachmentOn(bob, 'alice', sent.msg_id, (x) => x.name === 'b.txt' && x.state === 'available');

    expect(await refusal(alice.api.send('bob', 'again', { attachments: [a.attachment_id] }))).toEqual({ status: 409, code: 'ATTACHMENT_IN_USE' });
    expect(await refusal(alice.api.send('bob', 'nope', { attachments: ['not-an-upload'] }))).toEqual({ status: 404, code: 'ATTACHMENT_NOT_FOUND' });
    expect(await refusal(alice.api.send('bob', '   '))).toEqual({ status: 400, code: 'TEXT_EMPTY' });
    const many = await Promise.all(Array.from({ length: 11 }, (_, i) => alice.api.uploadAttachment(`f${i}`, Buffer.from([i]))));
    expect(await refusal(alice.api.send('bob', 'too many', { attachments: many.map((m) => m.attachment_id) }))).toEqual({ status: 400, code: 'TOO_MANY_ATTACHMENTS' });
    // A refused send leaves the uploads free to send.
    const ok = await alice.api.send('bob', 'fine', { attachments: many.slice(0, 2).map((m) => m.attachment_id) });
    expect(ok.delivered).toBe(true);
  });

  it('deleting a message frees its files', async () => {
    const bytes = fileBytes(40_000, 99);
    const up = await alice.api.uploadAttachment('to-delete.bin', bytes);
    const sent = await alice.api.send('bob', 'delete me', { attachments: [up.attachment_id] });
    await attachmentOn(bob, 'alice', sent.msg_id, (a) => a.state === 'available');
    expect(storeFiles(bob, 'files')).toContain(up.hash);
    await bob.api.deleteMessage(sent.msg_id);
    await eventually(() => !storeFiles(bob, 'files').includes(up.hash), 10_000, 'the file gone from the store');
    expect(await refusal(bob.api.attachmentBlob(up.attachment_id))).toEqual({ status: 404, code: 'ATTACHMENT_NOT_FOUND' });
    // The sender still has its copy.
    expect((await fetchBytes(alice, up.attachment_id)).length).toBe(bytes.length);
  });
});

describe('attachments while the friend is away', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('a small file goes sealed through the mailbox with its message, and arrives with the sender offline', async () => {
    const carol = await net.start({ username: 'carol' });
    let dave = await net.start({ username: 'dave' });
    await net.befriend(carol, dave);
    await dave.stop();
    const bytes = fileBytes(200 * 1024, 3);
    const up = await carol.api.uploadAttachment('photo.raw', bytes);
    const sent = await carol.api.send('dave', 'for later', { attachments: [up.attachment_id] });
    expect(sent.status).toBe('stored');
    const mine = defined(defined((await messageOn(carol, 'dave', sent.msg_id))).attachments[0]);
    expect(mine).toMatchObject({ state: 'sending', mailbox: true });
    // Every part is sealed into the mailbox before carol goes: 13 items of at most 16 KiB.
    await eventually(() => mailboxCount(net, 'dave') >= 1 + Math.ceil(bytes.length / 16384), 15_000, 'every part in the mailbox');
    await carol.stop();

    dave = await net.restart(dave);
    const got = await attachmentOn(dave, 'carol', sent.msg_id, (a) => a.state === 'available', 20_000);
    expect(got).toMatchObject({ size: bytes.length, hash: up.hash, mailbox: true });
    expect(Buffer.from(await fetchBytes(dave, up.attachment_id)).equals(Buffer.from(bytes))).toBe(true);
    expect((await dave.api.status()).peer_count).toBe(0);
  });

  it('a large file waits for a session: 409 until then, then it comes by itself', async () => {
    const erin = await net.start({ username: 'erin' });
    let fred = await net.start({ username: 'fred' });
    await net.befriend(erin, fred);
    await fred.stop();
    const bytes = fileBytes(2_000_000, 4);
    const up = await erin.api.uploadAttachment('big.bin', bytes);
    const sent = await erin.api.send('fred', 'big one', { attachments: [up.attachment_id] });
    expect(sent.status).toBe('stored');
    await erin.stop();

    fred = await net.restart(fred);
    const waiting = await attachmentOn(fred, 'erin', sent.msg_id, (a) => a.state === 'receiving', 20_000);
    expect(waiting).toMatchObject({ received_bytes: 0, mailbox: false });
    expect(await refusal(fred.api.attachmentBlob(up.attachment_id))).toEqual({ status: 409, code: 'ATTACHMENT_NOT_READY' });

    const back = await net.restart(erin);
    await attachmentOn(fred, 'erin', sent.msg_id, (a) => a.state === 'available', 30_000);
    expect(contentHash(await fetchBytes(fred, up.attachment_id))).toBe(up.hash);
    await attachmentOn(back, 'fred', sent.msg_id, (a) => a.state === 'available', 15_000);
  });
});

function mailboxCount(net: Testnet, recipient: string): number {
  // The local directory is a SQLite file every host of the testnet shares.
  const db = new Database(net.directoryPath, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM mailbox WHERE recipient = ?').get(recipient) as { n: number }).n;
  } finally {
    db.close();
  }
}
