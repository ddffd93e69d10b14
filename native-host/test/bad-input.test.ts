import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

/** Hostile and broken requests: each a 4xx with {"error"}, and the host keeps serving. */
describe('bad input', () => {
  const net = new Testnet();
  let host: TestHost;

  beforeAll(async () => {
    host = await net.start({ username: 'sturdy' });
    await net.start({ username: 'pal' });
    await host.api.addFriend('pal');
  });
  afterAll(() => net.close());

  const send = (method: string, path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.info.api_port,
          path,
          method,
          headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json', ...headers },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const expectClientError = async (result: Promise<{ status: number; body: string }>, status: number) => {
    const { status: got, body } = await result;
    expect(got).toBe(status);
    expect(JSON.parse(body)).toMatchObject({ error: expect.any(String), code: expect.any(String) });
  };

  it('truncated or non-JSON bodies: 400', async () => {
    await expectClientError(send('POST', '/messages', '{"to":"pal","te'), 400);
    await expectClientError(send('POST', '/friends', 'username=pal'), 400);
    await expectClientError(send('POST', '/friends', 'null'), 400);
    await expectClientError(send('POST', '/friends', '[1,2]'), 400);
    await expectClientError(send('POST', '/friends', ''), 400);
  });

  it('wrong types: 400', async () => {
    await expectClientError(send('POST', '/messages', JSON.stringify({ to: 'pal', text: 42 })), 400);
    await expectClientError(send('POST', '/messages', JSON.stringify({ to: ['pal'], text: 'x' })), 400);
    await expectClientError(send('POST', '/friends', JSON.stringify({ username: { $ne: 1 } })), 400);
    await expectClientError(send('POST', '/setup', JSON.stringify({ username: true })), 400);
  });

  it('oversized bodies: 413, declared or streamed', async () => {
    const huge = JSON.stringify({ to: 'pal', text: 'x'.repeat(300 * 1024) });
    await expectClientError(send('POST', '/messages', huge), 413);
    await expectClientError(send('POST', '/messages', huge, { 'Transfer-Encoding': 'chunked' }), 413);
  });

  it('text over the limit: 400', async () => {
    await expectClientError(send('POST', '/messages', JSON.stringify({ to: 'pal', text: 'é'.repeat(16_001) })), 400);
  });

  it('path-like, unicode and malformed usernames: 400', async () => {
    for (const username of ['../../etc/passwd', 'a/b', 'ålice', 'bob\u0000', 'ab', 'x'.repeat(33), '-bob', ' ', 'bób']) {
      await expectClientError(send('POST', '/friends', JSON.stringify({ username })), 400);
    }
    await expectClientError(send('DELETE', '/friends/..%2F..%2Fetc', ''), 400);
    await expectClientError(send('GET', '/messages?peer=%E2%80%AE', ''), 400);
  });

  it('negative, huge and non-numeric limits and offsets: 400', async () => {
    for (const query of ['limit=-1', 'limit=1e3', 'limit=99999999999', 'offset=-3', 'offset=1.5', 'limit=']) {
      await expectClientError(send('GET', `/messages?peer=pal&${query}`, ''), 400);
    }
  });

  it('a malformed percent-encoding in the path is a 404, not a crash', async () => {
    await expectClientError(send('DELETE', '/messages/%E0%A4%A', ''), 404);
  });

  it('still serves, and the data is intact', async () => {
    const result = await host.api.send('pal', 'still here');
    expect(result.msg_id).toBeTruthy();
    expect(defined((await host.api.messages('pal')).messages.at(-1)).text).toBe('still here');
    expect(host.child.exitCode).toBeNull();
  });
});
