import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../shared/extension-id.js';
import { EventClient } from '../../testkit/event-client.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';

/** Raw request with full control over Host and Origin (fetch forbids setting Host). */
function raw(port: number, headers: Record<string, string>, pathname = '/status'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, method: 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('access control', () => {
  const net = new Testnet();
  let host: TestHost;
  let auth: Record<string, string>;

  beforeAll(async () => {
    host = await net.start({ username: 'guarded', args: ['--allow-origin', 'http://localhost:5173'] });
    auth = { Authorization: `Bearer ${host.token}` };
  });
  afterAll(() => net.close());

  it('keeps the token in a 0600 file inside a 0700 data dir', () => {
    expect(fs.statSync(path.join(host.dataDir, 'api-token')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(host.dataDir, 'identity.json')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(host.dataDir).mode & 0o777).toBe(0o700);
  });

  it('401 without the token or with a wrong one', async () => {
    const port = host.info.api_port;
    const missing = await raw(port, { Host: `127.0.0.1:${port}` });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toMatchObject({ error: expect.any(String), code: 'UNAUTHORIZED' });
    expect((await raw(port, { Host: `127.0.0.1:${port}`, Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await raw(port, { Host: `127.0.0.1:${port}`, ...auth })).status).toBe(200);
  });

  it('403 for a foreign Host header (DNS rebinding), even with the token', async () => {
    const port = host.info.api_port;
    expect((await raw(port, { Host: `evil.example:${port}`, ...auth })).status).toBe(403);
    expect((await raw(port, { Host: `127.0.0.1:${port + 1}`, ...auth })).status).toBe(403);
    for (const name of ['127.0.0.1', 'localhost', '[::1]']) {
      expect((await raw(port, { Host: `${name}:${port}`, ...auth })).status).toBe(200);
    }
  });

  it('403 for a foreign Origin; the extension and --allow-origin pass', async () => {
    const port = host.info.api_port;
    const h = { Host: `127.0.0.1:${port}`, ...auth };
    expect((await raw(port, { ...h, Origin: 'https://evil.example' })).status).toBe(403);
    expect((await raw(port, { ...h, Origin: 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' })).status).toBe(403);
    expect((await raw(port, { ...h, Origin: CHROMIUM_EXTENSION_ORIGIN })).status).toBe(200);
    expect((await raw(port, { ...h, Origin: 'http://localhost:5173' })).status).toBe(200);
    // Firefox add-on origins are random per install: let through to the token check.
    const firefox = 'moz-extension://0b6f1c52-3a36-4c4e-9d71-2f4c1d1e8a10';
    expect((await raw(port, { ...h, Origin: firefox })).status).toBe(200);
    expect((await raw(port, { Host: `127.0.0.1:${port}`, Origin: firefox })).status).toBe(401);
  });

  it('WebSocket upgrade: 401 without token, 403 for foreign Origin or Host, accepted with ?token=', async () => {
    const port = host.info.ws_port;
    await expect(EventClient.connect(port, null)).rejects.toThrow(/401/);
    await expect(EventClient.connect(port, 'wrong')).rejects.toThrow(/401/);
    await expect(EventClient.connect(port, host.token, { Origin: 'https://evil.example' })).rejects.toThrow(/403/);
    await expect(EventClient.connect(port, host.token, { Host: `evil.example:${port}` })).rejects.toThrow(/403/);
    const ok = await EventClient.connect(port, host.token, { Origin: CHROMIUM_EXTENSION_ORIGIN });
    ok.close();
  });

  it('--auth none turns the token off but keeps Host and Origin checks', async () => {
    const open = await net.start({ username: 'legacy', args: ['--auth', 'none'] });
    const port = open.info.api_port;
    expect((await raw(port, { Host: `127.0.0.1:${port}` })).status).toBe(200);
    expect((await raw(port, { Host: `evil.example:${port}` })).status).toBe(403);
    expect((await raw(port, { Host: `127.0.0.1:${port}`, Origin: 'https://evil.example' })).status).toBe(403);
    expect((await raw(port, { Host: `127.0.0.1:${port}`, Origin: 'moz-extension://0b6f1c52-3a36-4c4e-9d71-2f4c1d1e8a10' })).status).toBe(403);
    const events = await EventClient.connect(open.info.ws_port, null);
    events.close();
  });
});
