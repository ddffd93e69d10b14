import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api-client.js';
import { attachmentOn, contentHash, fetchBytes, fileBytes, messageOn, storeFiles, tamperAttachment } from './support/attachments.js';
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

/** An upload with no Content-Length (chunked): the limit must hold as the bytes come. */
function chunkedUpload(host: TestHost, total: number): Promise<{ status: number; body: { code?: string } }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: host.info.api_port, method: 'POST', path: '/attachments?name=stream.bin', headers: { Authorization: `Bearer ${host.token}` } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') as { code?: string } }));
      },
    );
    req.on('error', reject);
    const chunk = Buffer.alloc(16 * 1024, 7);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('attachment limits and quota', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('refuses uploads over the attachment limit, declared or streamed, and keeps nothing of them', async () => {
    const host = await net.start({ username: 'lim', args: ['--limit', 'maxAttachmentBytes=100000'] });
    expect(await refusal(host.api.uploadAttachment('big.bin', fileBytes(100_001)))).toEqual({ status: 413, code: 'ATTACHMENT_TOO_LARGE' });
    const streamed = await chunkedUpload(host, 400_000);
    expect(streamed).toEqual({ status: 413, body: expect.objectContaining({ code: 'ATTACHMENT_TOO_LARGE' }) });
    await eventually(() => storeFiles(host, 'incoming').length === 0, 5_000, 'no upload left behind');
    expect(storeFiles(host, 'files')).toEqual([]);
    // Exactly at the limit is fine.
    expect((await host.api.uploadAttachment('ok.bin', fileBytes(100_000))).size).toBe(100_000);
  });

  it('refuses uploads past the disk quota, counting each stored file once', async () => {
    const host = await net.start({ username: 'quota', args: ['--limit', 'attachmentQuotaBytes=250000'] });
    const first = fileBytes(100_000, 1);
    await host.api.uploadAttachment('a.bin', first);
    // The same bytes again take no more room.
    await host.api.uploadAttachment('a-again.bin', first);
    await host.api.uploadAttachment('b.bin', fileBytes(100_000, 2));
    expect(await refusal(host.api.uploadAttachment('c.bin', fileBytes(100_000, 3)))).toEqual({ status: 413, code: 'ATTACHMENT_QUOTA_EXCEEDED' });
    const streamed = await chunkedUpload(host, 100_000);
    expect(streamed.body.code).toBe('ATTACHMENT_QUOTA_EXCEEDED');
    expect(storeFiles(host, 'files')).toHaveLength(2);
  });

  it("a friend's offer over the receiver's limit or quota fails there, and the sender hears why", async () => {
    const sender = await net.start({ username: 'sender' });
    const small = await net.start({ username: 'small', args: ['--limit', 'maxAttachmentBytes=50000', '--limit', 'attachmentQuotaBytes=80000'] });
    await net.befriend(sender, small);
    const big = await sender.api.uploadAttachment('big.bin', fileBytes(60_000, 5));
    const fits = await sender.api.uploadAttachment('fits.bin', fileBytes(45_000, 6));
    const fits2 = await sender.api.uploadAttachment('fits2.bin', fileBytes(45_000, 7));
    const sent = await sender.api.send('small', 'three files', { attachments: [big.attachment_id, fits.attachment_id, fits2.attachment_id] });
    const states = await eventually(async () => {
      const m = await messageOn(small, 'sender', sent.msg_id);
      return m && m.attachments.every((a) => a.state !== 'receiving') ? m.attachments : null;
    }, 15_000, 'every offer settled at the receiver');
    expect(states.map((a) => [a.name, a.state, a.error])).toEqual([
      ['big.bin', 'failed', 'Larger than the attachment limit'],
      ['fits.bin', 'available', null],
      ['fits2.bin', 'failed', 'Not enough room for attachments: delete some, then retry'],
    ]);
    await attachmentOn(sender, 'small', sent.msg_id, (a) => a.name === 'big.bin' && a.state === 'failed' && a.error === "small's host refused it: larger than the attachment limit");
    await attachmentOn(sender, 'small', sent.msg_id, (a) => a.name === 'fits2.bin' && a.state === 'failed');
    await attachmentOn(sender, 'small', sent.msg_id, (a) => a.name === 'fits.bin' && a.state === 'available');
  });
});

/** A sender that lies about a file, made by editing a real host's database: the receiver fails the transfer and stays well. */
describe('a lying sender', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  async function lie(set: (size: number) => Record<string, string | number>, size: number) {
    let liar = await net.start({ username: `liar${size}` });
    const victim = await net.start({ username: `victim${size}` });
    await net.befriend(liar, victim);
    const bytes = fileBytes(size, size);
    const up = await liar.api.uploadAttachment('lie.bin', bytes);
    await liar.stop();
    tamperAttachment(liar, up.attachment_id, set(size));
    liar = await net.restart(liar);
    await eventually(async () => (await liar.api.status()).peer_count === 1, 15_000, 'the session again');
    const sent = await liar.api.send(`victim${size}`, 'honest, really', { attachments: [up.attachment_id] });
    // The victim samples its partial file while the transfer runs: never past the declared size.
    let largest = 0;
    const declared = (set(size).size as number | undefined) ?? size;
    const failed = await eventually(async () => {
      for (const name of storeFiles(victim, 'partial')) largest = Math.max(largest, partialSize(victim, name));
      const a = (await messageOn(victim, `liar${size}`, sent.msg_id))?.attachments[0];
      return a?.state === 'failed' ? a : null;
    }, 30_000, 'the transfer to fail');
    expect(largest).toBeLessThanOrEqual(declared);
    expect(failed.error).toBe('The file did not match its hash');
    expect(storeFiles(victim, 'partial')).toEqual([]);
    expect(storeFiles(victim, 'files')).toEqual([]);
    await attachmentOn(liar, `victim${size}`, sent.msg_id, (a) => a.state === 'failed' && a.error === `victim${size}'s host refused it: the file did not match its hash`);
    // Chat goes on as before.
    const after = await liar.api.send(`victim${size}`, 'still friends?');
    expect(after.delivered).toBe(true);
  }

  it('a wrong hash, through the session', async () => {
    await lie(() => ({ hash: contentHash(Buffer.from('something else')) }), 600_000);
  });

  it('a wrong hash, through the mailbox parts', async () => {
    await lie(() => ({ hash: contentHash(Buffer.from('something else')) }), 40_000);
  });

  it('a size larger than the file', async () => {
    await lie((size) => ({ size: size * 2 }), 700_000);
  });

  it('a size smaller than the file', async () => {
    await lie((size) => ({ size: Math.floor(size / 2) }), 800_000);
  });
});

describe('cancel and retry', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('the receiver cancels a file on its way, the sender hears it; a retry brings it', async () => {
    const gina = await net.start({ username: 'gina' });
    let hank = await net.start({ username: 'hank' });
    await net.befriend(gina, hank);
    await hank.stop();
    const bytes = fileBytes(1_500_000, 11);
    const up = await gina.api.uploadAttachment('cancel-me.bin', bytes);
    const sent = await gina.api.send('hank', 'take it or leave it', { attachments: [up.attachment_id] });
    await gina.stop();
    // gina is away: hank's copy waits, receiving.
    hank = await net.restart(hank);
    await attachmentOn(hank, 'gina', sent.msg_id, (a) => a.state === 'receiving', 20_000);

    const canceled = await hank.api.cancelAttachment(up.attachment_id);
    expect(canceled).toMatchObject({ state: 'failed', error: 'Canceled' });
    const gina2 = await net.restart(gina);
    await attachmentOn(gina2, 'hank', sent.msg_id, (a) => a.state === 'failed' && a.error === "hank's host refused it: canceled", 20_000);
    // It stays canceled with both online.
    await new Promise((r) => setTimeout(r, 500));
    expect(defined(defined((await messageOn(hank, 'gina', sent.msg_id))).attachments[0]).state).toBe('failed');

    const again = await hank.api.retryAttachment(up.attachment_id);
    expect(again.state).toBe('receiving');
    await attachmentOn(hank, 'gina', sent.msg_id, (a) => a.state === 'available', 20_000);
    expect(contentHash(await fetchBytes(hank, up.attachment_id))).toBe(up.hash);
    await attachmentOn(gina2, 'hank', sent.msg_id, (a) => a.state === 'available', 20_000);
  });

  it('the sender withdraws a file before the friend got it, then offers it again', async () => {
    const ivan = await net.start({ username: 'ivan' });
    let jane = await net.start({ username: 'jane' });
    await net.befriend(ivan, jane);
    await jane.stop();
    const big = await ivan.api.uploadAttachment('big.bin', fileBytes(900_000, 12));
    const sent = await ivan.api.send('jane', 'a big file', { attachments: [big.attachment_id] });
    expect(await ivan.api.cancelAttachment(big.attachment_id)).toMatchObject({ state: 'failed', error: 'Canceled' });

    jane = await net.restart(jane);
    await attachmentOn(jane, 'ivan', sent.msg_id, (a) => a.state === 'failed' && a.error === 'The sender canceled it', 20_000);
    expect(await refusal(jane.api.attachmentBlob(big.attachment_id))).toEqual({ status: 409, code: 'ATTACHMENT_NOT_READY' });
    // With both online, a withdrawn file is not fetched.
    await new Promise((r) => setTimeout(r, 500));
    expect(storeFiles(jane, 'partial')).toEqual([]);

    expect((await ivan.api.retryAttachment(big.attachment_id)).state).toBe('sending');
    await attachmentOn(jane, 'ivan', sent.msg_id, (a) => a.state === 'available', 20_000);
    expect(contentHash(await fetchBytes(jane, big.attachment_id))).toBe(big.hash);
    await attachmentOn(ivan, 'jane', sent.msg_id, (a) => a.state === 'available', 20_000);
  });

  it('a small file whose parts were sealed before the cancel still arrives, and both sides end up saying so', async () => {
    const kim = await net.start({ username: 'kim' });
    let lou = await net.start({ username: 'lou' });
    await net.befriend(kim, lou);
    await lou.stop();
    const small = await kim.api.uploadAttachment('small.txt', Buffer.from('a small note'));
    const sent = await kim.api.send('lou', 'a note', { attachments: [small.attachment_id] });
    expect(sent.status).toBe('stored');
    await eventually(async () => (await messageOn(kim, 'lou', sent.msg_id))?.status === 'stored', 5_000, 'sealed');
    expect((await kim.api.cancelAttachment(small.attachment_id)).state).toBe('failed');
    lou = await net.restart(lou);
    await attachmentOn(lou, 'kim', sent.msg_id, (a) => a.state === 'available', 20_000);
    expect(Buffer.from(await fetchBytes(lou, small.attachment_id)).toString()).toBe('a small note');
    await attachmentOn(kim, 'lou', sent.msg_id, (a) => a.state === 'available', 20_000);
  });
});

function partialSize(host: TestHost, name: string): number {
  try {
    return fs.statSync(path.join(host.dataDir, 'attachments', 'partial', name)).size;
  } catch {
    return 0;
  }
}
