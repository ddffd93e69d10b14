import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../../shared/api-client.js';
import type { HostInfo } from '../../shared/contract.js';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../shared/extension-id.js';
import type { NativeMessage } from '../../shared/native-protocol.js';
import { NativeClient } from './support/native-client.js';
import { HOST_ENTRY } from '../../testkit/repo.js';
import { spawnHost } from '../../testkit/test-host.js';
import { Testnet } from '../../testkit/testnet.js';
import { waitForHostInfo } from '../../testkit/host-ready.js';
import { defined } from '../../shared/defined.js';

type Hello = Extract<NativeMessage, { type: 'hello' }>;

/** What a recording listener received. */
interface Recorded {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Something other than a Parley host, listening where a stale host.json says the API is. */
async function impostorListener(port: number): Promise<{ requests: Recorded[]; close: () => Promise<void> }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body });
      // It plays along as best it can.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ proof: '0'.repeat(64), username: 'alice' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const readInfo = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'host.json'), 'utf8')) as HostInfo;
const readToken = (dir: string) => fs.readFileSync(path.join(dir, 'api-token'), 'utf8').trim();

/**
 * The launcher the browser starts hands the extension's token only to a
 * host that proved it is the one host.json describes; a lock whose pid was
 * reused is taken over; every daemon start has a new token.
 */
describe('the browser-launched host and the host it finds running', () => {
  const net = new Testnet();
  const children: ChildProcess[] = [];
  const clients: NativeClient[] = [];
  const cleanups: Array<() => void> = [];
  afterAll(async () => {
    for (const c of clients) c.kill();
    for (const c of children) c.kill('SIGKILL');
    for (const cleanup of cleanups) cleanup();
    await net.close();
  });

  const env = (dataDir: string): Record<string, string> => ({
    PARLEY_DATA_DIR: dataDir,
    PARLEY_API_PORT: '0',
    PARLEY_WS_PORT: '0',
    PARLEY_PEER_PORT: '0',
    PARLEY_DIRECTORY: 'local',
    PARLEY_DIRECTORY_PATH: path.join(dataDir, 'directory.sqlite'),
    PARLEY_LOG_LEVEL: 'debug',
  });
  const launch = (dataDir: string, options: { uid?: number; gid?: number } = {}) => {
    const client = NativeClient.spawn(process.execPath, [HOST_ENTRY, `${CHROMIUM_EXTENSION_ORIGIN}/`], env(dataDir), options);
    clients.push(client);
    return client;
  };
  const hello = async (client: NativeClient) => (await client.waitFor((m) => m.type === 'hello', 20_000)) as Hello;

  it('bridges to a running host that proves itself, and each daemon start has a new token', async () => {
    const dir = fs.mkdtempSync(path.join(net.root, 'proven-'));
    const daemon = launch(dir);
    const first = await hello(daemon);
    expect(first.bridged).toBe(false);
    expect(first.token).toBe(readToken(dir));

    const bridge = launch(dir);
    const second = await hello(bridge);
    expect(second).toMatchObject({ bridged: true, api_port: first.api_port, token: first.token });
    bridge.closeInput();
    expect(await bridge.exited()).toBe(0);

    daemon.closeInput();
    expect(await daemon.exited()).toBe(0);
    const again = launch(dir);
    const third = await hello(again);
    expect(third.token).not.toBe(first.token);
    const stale = new ApiClient({ baseUrl: `http://127.0.0.1:${third.api_port}`, token: first.token });
    await expect(stale.status()).rejects.toMatchObject({ status: 401 });
    again.closeInput();
    expect(await again.exited()).toBe(0);
  });

  it('hands nothing to whatever listens on a dead host\u2019s port when its pid was reused, and takes over', async () => {
    const dir = fs.mkdtempSync(path.join(net.root, 'reused-'));
    // A host ran here and was killed: host.json and the lock stay behind.
    const crashed = spawnHost(dir, ['--api-port', '0', '--ws-port', '0', '--peer-port', '0', '--directory-path', path.join(dir, 'directory.sqlite')]);
    const { info: old, token: oldToken } = await waitForHostInfo(dir, crashed.child, () => crashed.stderr);
    await crashed.crash();
    // Its pid now belongs to another program of ours (a sleeping child stands in)...
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(sleeper);
    fs.writeFileSync(path.join(dir, 'host.lock'), String(sleeper.pid));
    fs.writeFileSync(path.join(dir, 'host.json'), JSON.stringify({ ...readInfo(dir), pid: sleeper.pid }));
    // ...and something else listens on its old API port.
    const impostor = await impostorListener(old.api_port);
    cleanups.push(() => void impostor.close());

    const client = launch(dir);
    const got = await hello(client);
    expect(got.bridged).toBe(false);
    expect(got.api_port).not.toBe(old.api_port);
    expect(got.token).not.toBe(oldToken);
    expect(got.token).toBe(readToken(dir));
    expect((await new ApiClient({ baseUrl: `http://127.0.0.1:${got.api_port}`, token: got.token }).status()).version).toBeTruthy();
    expect(readInfo(dir).pid).toBe(client.child.pid);

    // The listener was asked for a proof, at most, and learnt no token.
    expect(impostor.requests.length).toBeLessThanOrEqual(1);
    for (const request of impostor.requests) {
      expect(request.headers.authorization).toBeUndefined();
      const seen = JSON.stringify(request);
      expect(seen).not.toContain(defined(oldToken));
      expect(seen).not.toContain(defined(got.token));
      expect(request.url).toMatch(/^\/proof\?nonce=[0-9a-f]{64}$/);
    }
    expect(client.stderr).toMatch(/is no Parley host for it \(something else answers/);
    client.closeInput();
    expect(await client.exited()).toBe(0);
  });

  it('takes over a lock held by a pid that belongs to another user (EPERM)', async () => {
    // Run as root, the launcher runs as nobody and the lock names a process of root's; otherwise it names init.
    const asRoot = process.getuid?.() === 0;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-eperm-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, 'host.lock'), String(asRoot ? process.pid : 1));
    if (asRoot) {
      fs.chownSync(dir, 65534, 65534);
      fs.chownSync(path.join(dir, 'host.lock'), 65534, 65534);
    }
    const client = launch(dir, asRoot ? { uid: 65534, gid: 65534 } : {});
    const got = await hello(client);
    expect(got.bridged).toBe(false);
    expect(Number(fs.readFileSync(path.join(dir, 'host.lock'), 'utf8'))).toBe(client.child.pid);
    client.closeInput();
    expect(await client.exited()).toBe(0);
  });
});

