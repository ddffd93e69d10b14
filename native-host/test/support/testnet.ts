import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../../../shared/api-client.js';
import type { HostInfo } from '../../../shared/contract.js';
import { configureLocalDirectory } from '../../src/directory/local-settings.js';
import { MANY_HOSTS_SETTINGS, type DirectorySettings } from '../../src/directory/settings.js';
import { EventClient } from './event-client.js';
import { defined } from '../../../shared/defined.js';

/**
 * Starts real Parley hosts (the built dist/ entry) on 127.0.0.1 with port 0,
 * each with its own temp data dir, all sharing one local directory file.
 * Used by the integration, fault, end-to-end and bench suites.
 */
export const HOST_ENTRY = path.resolve(fileURLToPath(import.meta.url), '../../../../dist/native-host/src/main.js');

export interface HostOptions {
  username?: string;
  dataDir?: string;
  args?: string[];
  env?: Record<string, string>;
}

export class TestHost {
  info!: HostInfo;
  token!: string | null;
  api!: ApiClient;
  stderr = '';
  private exitCode: Promise<number | null>;

  constructor(
    readonly dataDir: string,
    readonly child: ChildProcess,
  ) {
    defined(child.stderr).on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      if (process.env.PARLEY_TEST_LOGS) process.stderr.write(chunk);
    });
    this.exitCode = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.info.api_port}`;
  }

  events(): Promise<EventClient> {
    return EventClient.connect(this.info.ws_port, this.token);
  }

  exited(): Promise<number | null> {
    return this.exitCode;
  }

  /** SIGTERM and wait for a clean exit. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exitCode;
  }

  /** kill -9: no cleanup at all. */
  async crash(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exitCode;
  }
}

export class Testnet {
  readonly root: string;
  readonly directoryPath: string;
  private readonly hosts: TestHost[] = [];

  /** `settings`: the shared directory's, over cheap sign-ups and no rate limits (every host here is one caller to it). */
  constructor(settings: Partial<DirectorySettings> = {}) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-test-'));
    this.directoryPath = path.join(this.root, 'directory.sqlite');
    configureLocalDirectory(this.directoryPath, { ...MANY_HOSTS_SETTINGS, ...settings });
  }

  /** Starts a host and resolves once host.json is written. */
  async start(options: HostOptions = {}): Promise<TestHost> {
    const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(this.root, `${options.username ?? 'host'}-`));
    const host = spawnHost(dataDir, this.hostArgs(options), options.env);
    this.hosts.push(host);
    await waitReady(host);
    return host;
  }

  /** Arguments for a host of this testnet; an option in `options.args` replaces its default. */
  hostArgs(options: HostOptions): string[] {
    const given = new Set((options.args ?? []).filter((a) => a.startsWith('--')));
    const defaults: Array<[string, string]> = [
      ['--api-port', '0'],
      ['--ws-port', '0'],
      ['--peer-port', '0'],
      ['--peer-host', '127.0.0.1'],
      ['--advertise', '127.0.0.1'],
      ['--directory', 'local'],
      ['--directory-path', this.directoryPath],
      // Never the public HyperDHT (a Supabase directory would turn it on): tests that want a DHT give their own.
      ['--dht', 'off'],
      ['--heartbeat-ms', '500'],
      ['--presence-timeout-ms', '2000'],
      ['--log-level', 'debug'],
    ];
    return [
      ...defaults.filter(([flag]) => !given.has(flag)).flat(),
      ...['retryMinMs=200', 'retryMaxMs=2000', 'mailboxPollMs=500'].flatMap((limit) => ['--limit', limit]),
      ...(options.username ? ['--username', options.username] : []),
      ...(options.args ?? []),
    ];
  }

  /** Makes two hosts friends both ways and waits for their session. */
  async befriend(a: TestHost, b: TestHost): Promise<void> {
    const [nameA, nameB] = await Promise.all([a.api.status(), b.api.status()]).then((s) => s.map((x) => defined(x.username)));
    await a.api.addFriend(defined(nameB));
    await b.api.addFriend(defined(nameA));
    await eventually(async () => (await a.api.status()).peer_count > 0 && (await b.api.status()).peer_count > 0, 10_000, 'a session');
  }

  /** Restarts a stopped or crashed host on the same data dir. */
  async restart(host: TestHost, options: HostOptions = {}): Promise<TestHost> {
    return this.start({ ...options, dataDir: host.dataDir });
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.stop()));
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

export function spawnHost(dataDir: string, args: string[], env: Record<string, string> = {}): TestHost {
  const child = spawn(process.execPath, [HOST_ENTRY, '--data-dir', dataDir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  return new TestHost(dataDir, child);
}

async function waitReady(host: TestHost, timeoutMs = 15_000): Promise<void> {
  const ready = await waitForHostInfo(host.dataDir, host.child, () => host.stderr, timeoutMs);
  host.info = ready.info;
  host.token = ready.token;
  host.api = new ApiClient({ baseUrl: host.apiUrl, token: host.token });
}

/** Waits until `child` (a host on `dataDir`) wrote its host.json; returns it and the API token. */
export async function waitForHostInfo(
  dataDir: string,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs = 15_000,
): Promise<{ info: HostInfo; token: string | null }> {
  const file = path.join(dataDir, 'host.json');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`host exited with ${child.exitCode}: ${stderr()}`);
    if (fs.existsSync(file)) {
      const info = JSON.parse(fs.readFileSync(file, 'utf8')) as HostInfo;
      if (info.pid === child.pid) {
        const tokenFile = path.join(dataDir, 'api-token');
        return { info, token: fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : null };
      }
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`host not ready in ${timeoutMs} ms: ${stderr()}`);
}

/** Polls `check` until it returns a truthy value or the time is up. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
