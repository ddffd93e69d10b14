import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { ApiClient } from '../shared/api-client.js';
import type { HostInfo } from '../shared/contract.js';
import { HOST_ENV, HOST_NODE_FLAGS } from '../native-host/node-flags.js';
import { EventClient, type EventClientOptions } from './event-client.js';
import { waitForHostInfo } from './host-ready.js';
import { HttpClient } from './http-client.js';
import { HOST_ENTRY } from './repo.js';

export interface SpawnOptions {
  /** Added to the host's environment. */
  env?: Record<string, string>;
  /** Node flags before the script, after the launch flags. */
  nodeArgs?: string[];
  /** Another script to run instead of the host (it gets only `--data-dir`, and no launch flags). */
  entry?: string;
  /** Without the launch flags and environment of native-host/node-flags: to see what they cost or save. */
  bare?: boolean;
  /** Run with --cpu-prof into this directory. */
  profileDir?: string | null;
  /** How much of stderr `stderr` keeps, from the start (the tail is kept apart). */
  stderrLimit?: number;
}

/** The last this many characters of stderr stay in `stderrTail`, for a long run's late warnings. */
const STDERR_TAIL = 16 * 1024;

/** One host process on 127.0.0.1, and clients of its API once it is ready. */
export class TestHost {
  info!: HostInfo;
  token: string | null = null;
  /** The contract's typed client. */
  api!: ApiClient;
  /** A raw keep-alive JSON client, for timing and for what the typed client does not cover. */
  http!: HttpClient;
  stderr = '';
  stderrTail = '';
  private readonly exitCode: Promise<number | null>;

  constructor(
    readonly dataDir: string,
    readonly child: ChildProcess,
    /** performance.now() just before the spawn. */
    readonly spawnedAt = performance.now(),
    stderrLimit = Infinity,
  ) {
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (this.stderr.length < stderrLimit) this.stderr += text;
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL);
      if (process.env.PARLEY_TEST_LOGS) process.stderr.write(chunk);
    });
    this.exitCode = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.info.api_port}`;
  }

  /**
   * Waits for host.json naming this process, fills in info, token and the
   * clients, and returns the milliseconds from spawn to ready.
   */
  async ready(timeoutMs?: number): Promise<number> {
    const { info, token, readyAt } = await waitForHostInfo(this.dataDir, this.child, () => this.stderr, timeoutMs);
    this.info = info;
    this.token = token;
    if (info.api_port) {
      this.api = new ApiClient({ baseUrl: this.apiUrl, token });
      this.http = new HttpClient(info.api_port, { token });
    }
    return readyAt - this.spawnedAt;
  }

  events(options?: EventClientOptions): Promise<EventClient> {
    return EventClient.connect(this.info.ws_port, this.token, {}, options);
  }

  exited(): Promise<number | null> {
    return this.exitCode;
  }

  /** Resident set size in MB, from /proc (Linux). */
  rssMb(): number {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024;
  }

  /** CPU time used so far (user + system), in seconds, from /proc (Linux). */
  cpuSeconds(): number {
    const stat = fs.readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** SIGTERM and wait for the exit. */
  async stop(): Promise<number | null> {
    this.http?.close();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exitCode;
  }

  /** kill -9: no cleanup at all. */
  async crash(): Promise<void> {
    this.http?.close();
    this.child.kill('SIGKILL');
    await this.exitCode;
  }
}

/**
 * Spawns a host on `dataDir` the way every launcher starts it (the flags and
 * environment of native-host/node-flags), without waiting for it.
 */
export function spawnHost(dataDir: string, args: string[], options: SpawnOptions = {}): TestHost {
  const launch = options.bare || options.entry ? [] : HOST_NODE_FLAGS;
  const prof = options.profileDir && !options.entry ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
  const script = options.entry ? [options.entry, '--data-dir', dataDir] : [HOST_ENTRY, '--data-dir', dataDir, ...args];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [...launch, ...(options.nodeArgs ?? []), ...prof, ...script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...(options.bare || options.entry ? {} : HOST_ENV), ...options.env },
  });
  return new TestHost(dataDir, child, spawnedAt, options.stderrLimit);
}
