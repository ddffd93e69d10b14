import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configureLocalDirectory } from '../native-host/src/directory/local-settings.js';
import { MANY_HOSTS_SETTINGS, type DirectorySettings } from '../native-host/src/directory/settings.js';
import { eventually } from './eventually.js';
import { spawnHost, type TestHost } from './test-host.js';

export interface TestnetOptions {
  /**
   * 'test' (default): short heartbeat, presence and retry timers and debug
   * logs, so tests see changes quickly. 'bench': the host's own timers and
   * warn logs, since debug lines on stderr would be part of what is measured.
   */
  purpose?: 'test' | 'bench';
  /** Run every host with --cpu-prof into this directory. */
  profileDir?: string | null;
  /** Start hosts without the launch flags of native-host/node-flags. */
  bare?: boolean;
}

export interface HostOptions {
  username?: string;
  dataDir?: string;
  /** Host arguments; one given here replaces its default. */
  args?: string[];
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** Another script to run instead of the host (see SpawnOptions.entry). */
  entry?: string;
  readyTimeoutMs?: number;
}

/** A bench host keeps the first 64 KB of stderr: a long run at warn level says little, and the tail is kept apart. */
const BENCH_STDERR_LIMIT = 64 * 1024;

/**
 * Real Parley hosts (the built dist/ entry) on 127.0.0.1 with port 0, each
 * with its own temp data dir, all sharing one local directory file. Used by
 * the integration, fault, NAT and end-to-end tests and by the bench.
 */
export class Testnet {
  readonly root: string;
  readonly directoryPath: string;
  private readonly hosts: TestHost[] = [];
  private readonly purpose: 'test' | 'bench';
  private firstStart: Promise<void> | null = null;

  /** `settings`: the shared directory's, over cheap sign-ups and no rate limits (every host here is one caller to it). */
  constructor(
    settings: Partial<DirectorySettings> = {},
    private readonly options: TestnetOptions = {},
  ) {
    this.purpose = options.purpose ?? 'test';
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), `parley-${this.purpose}-`));
    this.directoryPath = path.join(this.root, 'directory.sqlite');
    configureLocalDirectory(this.directoryPath, { ...MANY_HOSTS_SETTINGS, ...settings });
  }

  /** Starts a host and resolves once host.json is written. */
  async start(options: HostOptions = {}): Promise<TestHost> {
    // The first host creates the shared directory's tables alone: hosts
    // creating them at the same moment can fail to open the file.
    if (!this.firstStart) {
      const first = this.startNow(options);
      this.firstStart = first.then(
        () => undefined,
        () => undefined,
      );
      return first;
    }
    await this.firstStart;
    return this.startNow(options);
  }

  /** Spawns a host without waiting for it (`host.ready()` waits). */
  spawn(options: HostOptions = {}): TestHost {
    const dataDir = options.dataDir ?? this.newDataDir(options.username ?? 'host');
    const host = spawnHost(dataDir, this.hostArgs(options), {
      env: options.env,
      nodeArgs: options.nodeArgs,
      entry: options.entry,
      bare: this.options.bare,
      profileDir: this.options.profileDir,
      stderrLimit: this.purpose === 'bench' ? BENCH_STDERR_LIMIT : Infinity,
    });
    this.hosts.push(host);
    return host;
  }

  /** A fresh, empty data dir under the root. */
  newDataDir(name: string): string {
    return fs.mkdtempSync(path.join(this.root, `${name}-`));
  }

  /** Arguments for a host of this testnet; an option in `options.args` replaces its default. */
  hostArgs(options: HostOptions): string[] {
    const given = new Set((options.args ?? []).filter((a) => a.startsWith('--')));
    const paced: Array<[string, string]> =
      this.purpose === 'test'
        ? [
            ['--heartbeat-ms', '500'],
            ['--presence-timeout-ms', '2000'],
            ['--log-level', 'debug'],
          ]
        : [['--log-level', 'warn']];
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
      ...paced,
    ];
    const limits = this.purpose === 'test' ? ['retryMinMs=200', 'retryMaxMs=2000', 'mailboxPollMs=500'] : [];
    return [
      ...defaults.filter(([flag]) => !given.has(flag)).flat(),
      ...limits.flatMap((limit) => ['--limit', limit]),
      ...(options.username ? ['--username', options.username] : []),
      ...(options.args ?? []),
    ];
  }

  /** Makes two hosts friends both ways and waits for their session. */
  async befriend(a: TestHost, b: TestHost, timeoutMs = 15_000): Promise<void> {
    const [nameA, nameB] = await Promise.all([a.api.status(), b.api.status()]).then((s) => s.map((x) => x.username));
    if (!nameA || !nameB) throw new Error('befriend: both hosts need a username');
    await a.api.addFriend(nameB);
    await b.api.addFriend(nameA);
    await eventually(async () => (await a.api.status()).peer_count > 0 && (await b.api.status()).peer_count > 0, timeoutMs, `a session ${nameA}–${nameB}`);
  }

  /** Starts two set-up hosts that are each other's friends, once their session is up. */
  async friendPair(a: string, b: string, options: HostOptions = {}): Promise<{ alice: TestHost; bob: TestHost }> {
    const [alice, bob] = await Promise.all([this.start({ ...options, username: a }), this.start({ ...options, username: b })]);
    await this.befriend(alice, bob);
    return { alice, bob };
  }

  /** Restarts a stopped or crashed host on the same data dir. */
  async restart(host: TestHost, options: HostOptions = {}): Promise<TestHost> {
    return this.start({ ...options, dataDir: host.dataDir });
  }

  /** Stops every host and removes the temp root. */
  async close(): Promise<void> {
    await Promise.all(this.hosts.map((h) => h.stop()));
    fs.rmSync(this.root, { recursive: true, force: true });
  }

  private async startNow(options: HostOptions): Promise<TestHost> {
    const host = this.spawn(options);
    await host.ready(options.readyTimeoutMs);
    return host;
  }
}
