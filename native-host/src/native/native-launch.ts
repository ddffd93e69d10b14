import fs from 'node:fs';
import path from 'node:path';
import { ApiClient } from '../../../shared/api-client.js';
import type { HostInfo } from '../../../shared/contract.js';
import type { HostDetails } from '../../../shared/native-protocol.js';
import type { HostConfig } from '../config/config.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { HostStartError, startHost, type RunningHost } from '../host.js';
import type { Logger } from '../logger.js';
import { isOwnProcessAlive, readHostInfo, releaseStaleLock, TOKEN_FILE } from '../store/data-dir.js';
import { hostVersion } from '../version.js';
import { verifyRunningHost } from './host-verification.js';
import { NativePort } from './native-port.js';
import { startNativeSession, type NativeStatus } from './native-session.js';

/** How often a bridge checks that the host it relays still lives, and a host that its username changed. */
const WATCH_MS = 1000;
/** How long the running host may take to prove itself. */
const PROOF_TIMEOUT_MS = 3000;

/**
 * The browser launched us. Become the host for this data dir, or, when one
 * already runs, bridge: hand over its details and live as long as it does.
 * Either way, stop when the browser closes the port. Resolves with the exit code.
 */
export async function runBrowserLaunched(config: HostConfig, log: Logger): Promise<ExitCode> {
  const port = new NativePort(process.stdin, process.stdout, { logger: log.child('native') });
  const found = await startOrFind(config, log);
  if ('refused' in found) {
    log.error(found.refused);
    return EXIT.alreadyRunning;
  }
  if ('info' in found) return bridge(config, log, port, found.info);
  const running = found.host;
  return new Promise<ExitCode>((resolve) => {
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await running.stop();
      resolve(EXIT.ok);
    };
    startNativeSession({
      port,
      bridged: false,
      getDetails: running.details,
      shutdown: stop,
      subscribeStatus: (listener) => watchUsername(() => running.details().username, listener),
      onClose: () => void stop(),
      logger: log.child('native'),
    });
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  });
}

/**
 * Starts the host for this data dir, or finds the one running. A host is
 * bridged to (and given the extension's token) only once it proved it is
 * the one host.json describes. A lock whose pid is not such a host (nothing
 * listens on host.json's port, or something else answers there: the pid was
 * reused after a crash) is taken over. A host that does not answer in time,
 * or predates the proof, is left alone and gets nothing.
 */
async function startOrFind(config: HostConfig, log: Logger): Promise<{ host: RunningHost } | { info: HostInfo } | { refused: string }> {
  // Twice at most: a second launcher may take over the same stale lock first; then its host is the one to find.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      return { host: await startHost(config, log) };
    } catch (err) {
      if (!(err instanceof HostStartError && err.exitCode === EXIT.alreadyRunning && err.runningPid)) throw err;
      const pid = err.runningPid;
      const info = await waitForHostInfo(config.dataDir, pid);
      if (!info) return { refused: `another host (pid ${pid}) holds the data dir but never became ready` };
      const check = await verifyRunningHost(info, PROOF_TIMEOUT_MS);
      if (check === 'proven') return { info };
      if (check === 'silent') return { refused: `pid ${pid} holds the data dir, but nothing on 127.0.0.1:${info.api_port} proved it is its host in time: not handing it the token` };
      if (check === 'unprovable') return { refused: `pid ${pid} holds the data dir with a host.json from an older Parley that cannot prove itself: stop it (or close the browser), then open Parley again` };
      log.warn(`pid ${pid} holds the data dir lock but is no Parley host for it (${check === 'nobody' ? 'nothing listens' : 'something else answers'} on 127.0.0.1:${info.api_port}): taking over`);
      releaseStaleLock(config.dataDir, pid);
    }
  }
  return { refused: 'the data dir lock changed hands while taking it over' };
}

/** Relays the extension to a running host that proved itself. */
async function bridge(config: HostConfig, log: Logger, port: NativePort, info: HostInfo): Promise<ExitCode> {
  const pid = info.pid;
  const tokenFile = path.join(config.dataDir, TOKEN_FILE);
  const token = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : null;
  const api = new ApiClient({ baseUrl: `http://127.0.0.1:${info.api_port}`, token, timeoutMs: 3000 });
  let username: string | null = null;
  let version = hostVersion();
  try {
    const status = await api.status();
    username = status.username;
    version = status.version;
  } catch (err) {
    log.warn('bridged host did not answer /status', { err });
  }
  log.info(`bridging to the running host (pid ${pid})`);
  const details = (): HostDetails => ({ api_port: info.api_port, ws_port: info.ws_port, token, username, version });
  return new Promise<ExitCode>((resolve) => {
    const done = (code: ExitCode) => {
      clearInterval(watch);
      session.close();
      resolve(code);
    };
    const listeners = new Set<(status: NativeStatus) => void>();
    const session = startNativeSession({
      port,
      bridged: true,
      getDetails: details,
      // The running host belongs to whoever started it; a bridge only stops itself.
      shutdown: async () => done(EXIT.ok),
      subscribeStatus: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      onClose: () => done(EXIT.ok),
      logger: log.child('native'),
    });
    const watch = setInterval(async () => {
      if (!isOwnProcessAlive(pid)) {
        for (const listener of listeners) listener({ state: 'stopping', username });
        await port.flushed();
        return done(EXIT.ok);
      }
      const now = await api.status().then((s) => s.username).catch(() => username);
      if (now !== username) {
        username = now;
        for (const listener of listeners) listener({ state: 'ready', username });
      }
    }, WATCH_MS);
  });
}

/** Reports `ready` with the new username whenever it changes (set up from another client). */
function watchUsername(current: () => string | null, listener: (status: NativeStatus) => void): () => void {
  let last = current();
  const timer = setInterval(() => {
    const now = current();
    if (now !== last) listener({ state: 'ready', username: (last = now) });
  }, WATCH_MS);
  return () => clearInterval(timer);
}

async function waitForHostInfo(dataDir: string, pid: number) {
  for (let i = 0; i < 100; i++) {
    const info = readHostInfo(dataDir);
    if (info && info.pid === pid) return info;
    if (!isOwnProcessAlive(pid)) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
