import fs from 'node:fs';
import path from 'node:path';
import { ApiClient } from '../../../shared/api-client.js';
import type { HostDetails } from '../../../shared/native-protocol.js';
import type { HostConfig } from '../config/config.js';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { HostStartError, startHost } from '../host.js';
import type { Logger } from '../logger.js';
import { isAlive, readHostInfo, TOKEN_FILE } from '../store/data-dir.js';
import { hostVersion } from '../version.js';
import { NativePort } from './native-port.js';
import { startNativeSession, type NativeStatus } from './native-session.js';

/** How often a bridge checks that the host it relays still lives, and a host that its username changed. */
const WATCH_MS = 1000;

/**
 * The browser launched us. Become the host for this data dir, or, when one
 * already runs, bridge: hand over its details and live as long as it does.
 * Either way, stop when the browser closes the port. Resolves with the exit code.
 */
export async function runBrowserLaunched(config: HostConfig, log: Logger): Promise<ExitCode> {
  const port = new NativePort(process.stdin, process.stdout, { logger: log.child('native') });
  let host;
  try {
    host = await startHost(config, log);
  } catch (err) {
    if (err instanceof HostStartError && err.exitCode === EXIT.alreadyRunning && err.runningPid) {
      return bridge(config, log, port, err.runningPid);
    }
    throw err;
  }
  const running = host;
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

async function bridge(config: HostConfig, log: Logger, port: NativePort, pid: number): Promise<ExitCode> {
  const info = await waitForHostInfo(config.dataDir, pid);
  if (!info) {
    log.error('another host holds the data dir but never became ready');
    return EXIT.alreadyRunning;
  }
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
      if (!isAlive(pid)) {
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
    if (!isAlive(pid)) return null;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
