// @ts-check
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureLocalDirectory } from '../../dist/native-host/src/directory/local-settings.js';
import { MANY_HOSTS_SETTINGS } from '../../dist/native-host/src/directory/settings.js';
import { HOST_ENV, HOST_NODE_FLAGS } from '../../native-host/node-flags.js';
import { HttpClient } from './http-client.js';
import { EventStream } from './event-stream.js';
import { sleep } from './stats.js';

export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const HOST_ENTRY = path.join(REPO_DIR, 'dist/native-host/src/main.js');
const READY_TIMEOUT_MS = 20_000;

/**
 * @typedef {{ pid: number, api_port: number, ws_port: number, peer_port: number, started_at: string }} HostInfo
 * @typedef {{ username?: string, dataDir?: string, args?: string[], env?: Record<string, string>, entry?: string, readyTimeoutMs?: number, nodeArgs?: string[] }} HostOptions
 */

/** One running host process of the bench. */
export class BenchHost {
  /**
   * @param {string} dataDir
   * @param {import('node:child_process').ChildProcess} child
   * @param {number} spawnedAt performance.now() just before spawn
   */
  constructor(dataDir, child, spawnedAt) {
    this.dataDir = dataDir;
    this.child = child;
    this.spawnedAt = spawnedAt;
    this.stderr = '';
    /** The last 16 KB of stderr, for a long run's late warnings. */
    this.stderrTail = '';
    /** @type {HostInfo} */
    this.info = /** @type {any} */ (null);
    /** @type {string | null} */
    this.token = null;
    /** @type {HttpClient} */
    this.http = /** @type {any} */ (null);
    child.stderr?.on('data', (chunk) => {
      if (this.stderr.length < 64 * 1024) this.stderr += chunk.toString();
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-16 * 1024);
      if (process.env.PARLEY_BENCH_LOGS) process.stderr.write(chunk);
    });
    /** @type {Promise<number | null>} */
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** @returns {Promise<EventStream>} */
  events() {
    return EventStream.connect(`ws://127.0.0.1:${this.info.ws_port}/events${this.token ? `?token=${encodeURIComponent(this.token)}` : ''}`);
  }

  /** Resident set size in MB, from /proc (Linux). */
  rssMb() {
    const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  }

  /** CPU time used so far (user + system), in seconds, from /proc (Linux). */
  cpuSeconds() {
    const fields = fs.readFileSync(`/proc/${this.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  }

  /** SIGTERM and wait for the exit. */
  async stop() {
    this.http?.close();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/**
 * Hosts on 127.0.0.1 with port 0, each in its own data dir under one temp
 * root, all sharing one local directory file (a small JS twin of the test
 * suite's Testnet, which is not compiled into dist/).
 */
export class HostNet {
  /**
   * @param {{ profileDir?: string, bare?: boolean }} [options] profileDir: run hosts with
   *   --cpu-prof into it; bare: without the flags and environment of native-host/node-flags.js
   */
  constructor(options = {}) {
    this.profileDir = options.profileDir ?? null;
    this.bare = options.bare ?? false;
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
    this.directoryPath = path.join(this.root, 'directory.sqlite');
    // Cheap sign-ups and no rate limits: every host here is one caller to a local directory.
    // The real cost of a sign-up is the directory section's figure.
    configureLocalDirectory(this.directoryPath, MANY_HOSTS_SETTINGS);
    /** @type {BenchHost[]} */
    this.hosts = [];
    /** @type {Promise<void> | null} */
    this.firstStart = null;
  }

  /**
   * Command-line arguments of a host of this net. Logs at warn: debug lines
   * on stderr would be part of what is measured.
   * @param {HostOptions} options
   */
  hostArgs(options) {
    return [
      '--api-port', '0', '--ws-port', '0', '--peer-port', '0', '--peer-host', '127.0.0.1',
      '--advertise', '127.0.0.1', '--directory', 'local', '--directory-path', this.directoryPath,
      ...(options.args?.includes('--log-level') ? [] : ['--log-level', 'warn']),
      ...(options.username ? ['--username', options.username] : []),
      ...(options.args ?? []),
    ];
  }

  /**
   * A fresh data dir under the root (created, empty).
   * @param {string} name
   */
  newDataDir(name) {
    return fs.mkdtempSync(path.join(this.root, `${name}-`));
  }

  /**
   * Spawns a host and resolves once its host.json is written.
   * @param {HostOptions} [options]
   */
  async start(options = {}) {
    // The first host creates the shared directory file alone: hosts creating
    // a new local directory file at the same moment can fail to open it.
    if (!this.firstStart) {
      const first = this.startNow(options);
      this.firstStart = first.then(() => undefined, () => undefined);
      return first;
    }
    await this.firstStart;
    return this.startNow(options);
  }

  /** @param {HostOptions} options */
  async startNow(options) {
    const host = this.spawn(options);
    await waitForHostJson(host, options.readyTimeoutMs);
    return host;
  }

  /**
   * Spawns a host without waiting for it.
   * @param {HostOptions} [options]
   */
  spawn(options = {}) {
    const dataDir = options.dataDir ?? this.newDataDir(options.username ?? 'host');
    const spawnedAt = performance.now();
    const args = options.entry ? ['--data-dir', dataDir] : ['--data-dir', dataDir, ...this.hostArgs(options)];
    const prof = this.profileDir && !options.entry ? ['--cpu-prof', '--cpu-prof-dir', this.profileDir] : [];
    // Hosts start the way every launcher starts them (native-host/node-flags.js), so the bench measures what users run.
    const runtime = this.bare || options.entry ? [] : HOST_NODE_FLAGS;
    const child = spawn(process.execPath, [...runtime, ...(options.nodeArgs ?? []), ...prof, options.entry ?? HOST_ENTRY, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...(this.bare || options.entry ? {} : HOST_ENV), ...options.env },
    });
    const host = new BenchHost(dataDir, child, spawnedAt);
    this.hosts.push(host);
    return host;
  }

  /** Stops every host and removes the temp root. */
  async close() {
    await Promise.all(this.hosts.map((h) => h.stop()));
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * Waits for `<data-dir>/host.json` naming this process (inotify, with a
 * polling fallback) and returns the milliseconds since spawn; fills in the
 * host's info, token and client.
 * @param {BenchHost} host
 * @param {number} [timeoutMs]
 * @returns {Promise<number>}
 */
export async function waitForHostJson(host, timeoutMs = READY_TIMEOUT_MS) {
  const file = path.join(host.dataDir, 'host.json');
  const readyAt = await new Promise((resolve, reject) => {
    let done = false;
    /** @type {fs.FSWatcher | undefined} */
    let watcher;
    const finish = (/** @type {Error | null} */ err, /** @type {number} */ at = 0) => {
      if (done) return;
      done = true;
      watcher?.close();
      clearInterval(poll);
      clearTimeout(timer);
      host.child.off('exit', onExit);
      if (err) reject(err);
      else resolve(at);
    };
    const check = () => {
      const at = performance.now();
      try {
        const info = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (info.pid === host.child.pid) {
          host.info = info;
          finish(null, at);
        }
      } catch {
        // not there yet, or caught mid-rename
      }
    };
    const onExit = (/** @type {number | null} */ code) => finish(new Error(`host exited with ${code}: ${host.stderr}`));
    host.child.once('exit', onExit);
    try {
      watcher = fs.watch(host.dataDir, (_event, name) => {
        if (name === 'host.json') check();
      });
    } catch {
      // the data dir does not exist yet: polling only
    }
    const poll = setInterval(check, watcher ? 50 : 5);
    const timer = setTimeout(() => finish(new Error(`host not ready in ${timeoutMs} ms: ${host.stderr}`)), timeoutMs);
    check();
  });
  if (!host.info.api_port) return readyAt - host.spawnedAt;
  const tokenFile = path.join(host.dataDir, 'api-token');
  host.token = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : null;
  host.http = new HttpClient(host.info.api_port, { token: host.token });
  return readyAt - host.spawnedAt;
}

/**
 * Polls `check` until it returns a truthy value; throws after `timeoutMs`.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {number} timeoutMs
 * @param {string} what
 * @returns {Promise<T>}
 */
export async function eventually(check, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * Starts two set-up hosts that are each other's friends and waits for their
 * peer session.
 * @param {HostNet} net
 * @param {string} a
 * @param {string} b
 * @param {string[]} [args]
 */
export async function startFriendPair(net, a, b, args = []) {
  const [alice, bob] = await Promise.all([net.start({ username: a, args }), net.start({ username: b, args })]);
  await makeFriends(alice, bob, b, a);
  return { alice, bob };
}

/**
 * Adds each host to the other's friends and waits until `x` has its session with `y`.
 * @param {BenchHost} x
 * @param {BenchHost} y
 * @param {string} yName
 * @param {string} xName
 */
export async function makeFriends(x, y, yName, xName) {
  await x.http.ok('POST', '/friends', { username: yName });
  await y.http.ok('POST', '/friends', { username: xName });
  await eventually(async () => (await y.http.ok('GET', '/status')).peer_count >= 1, 15_000, `session ${xName}–${yName}`);
}
