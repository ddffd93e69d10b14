import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ApiClient } from '../../../../shared/api-client.js';
import type { HostInfo } from '../../../../shared/contract.js';
import { EventClient } from '../../../../testkit/event-client.js';
import { HOST_ENTRY } from '../../../../testkit/repo.js';
import { waitForHostInfo } from '../../../../testkit/host-ready.js';
import { defined } from '../../../../shared/defined.js';

/**
 * Forwards a Unix socket to a loopback TCP port inside a namespace: the
 * host's API listens on its own namespace's 127.0.0.1 only, and Unix
 * sockets (paths) are the one thing the test's namespace shares with it.
 */
const BRIDGE = `
const net = require('node:net');
const [sock, port] = process.argv.slice(1);
require('node:fs').rmSync(sock, { force: true });
net.createServer((c) => {
  const u = net.connect(Number(port), '127.0.0.1');
  c.pipe(u).pipe(c);
  c.on('error', () => u.destroy());
  u.on('error', () => c.destroy());
}).listen(sock);
`;

/** A Parley host running in a network namespace, driven through Unix-socket bridges. */
export class NsHost {
  stderr = '';
  info!: HostInfo;
  api!: ApiClient;
  private token: string | null = null;
  private readonly bridges: ChildProcess[] = [];
  private readonly exit: Promise<number | null>;

  private constructor(
    readonly ns: string,
    readonly dataDir: string,
    readonly child: ChildProcess,
  ) {
    defined(child.stderr).on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      if (process.env.PARLEY_TEST_LOGS) process.stderr.write(chunk);
    });
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts `parley-host --data-dir dataDir args...` inside `ns`; resolves when it is ready. */
  static async start(ns: string, dataDir: string, args: string[]): Promise<NsHost> {
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, HOST_ENTRY, '--data-dir', dataDir, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const host = new NsHost(ns, dataDir, child);
    await host.ready();
    return host;
  }

  get pid(): number {
    return defined(this.child.pid);
  }

  /** Resident memory of the host process, in bytes. */
  rss(): number {
    const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  }

  events(): Promise<EventClient> {
    const query = this.token ? `?token=${encodeURIComponent(this.token)}` : '';
    return EventClient.connectUrl(`ws+unix:${this.socket('ws')}:/events${query}`, { Host: `127.0.0.1:${this.info.ws_port}` });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    await this.exit;
    for (const bridge of this.bridges) bridge.kill();
  }

  private async ready(timeoutMs = 20_000): Promise<void> {
    const { info, token } = await waitForHostInfo(this.dataDir, this.child, () => this.stderr, timeoutMs);
    this.info = info;
    this.token = token;
    await this.bridge('api', info.api_port);
    await this.bridge('ws', info.ws_port);
    this.api = new ApiClient({ baseUrl: `http://127.0.0.1:${info.api_port}`, token, fetch: unixFetch(this.socket('api')) });
  }

  private socket(kind: 'api' | 'ws'): string {
    return path.join(this.dataDir, `${kind}.sock`);
  }

  private async bridge(kind: 'api' | 'ws', port: number): Promise<void> {
    const sock = this.socket(kind);
    fs.rmSync(sock, { force: true });
    this.bridges.push(spawn('ip', ['netns', 'exec', this.ns, process.execPath, '-e', BRIDGE, sock, String(port)], { stdio: 'ignore' }));
    const deadline = Date.now() + 5000;
    while (!fs.existsSync(sock)) {
      if (Date.now() > deadline) throw new Error(`bridge to ${kind} did not start`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** fetch() over a Unix socket, for ApiClient; the URL still names the host's own address (Host header). */
function unixFetch(socketPath: string): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    return new Promise<Response>((resolve, reject) => {
      const req = http.request(
        {
          socketPath,
          path: url.pathname + url.search,
          method: init?.method ?? 'GET',
          headers: { ...(init?.headers as Record<string, string>), Host: url.host },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(new Response(res.statusCode === 204 ? null : Buffer.concat(chunks), { status: res.statusCode })));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      init?.signal?.addEventListener('abort', () => req.destroy(new Error('aborted')));
      if (typeof init?.body === 'string') req.write(init.body);
      req.end();
    });
  }) as typeof fetch;
}
