import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { HostDetails } from '../../shared/native-protocol.js';
import { AccessPolicy } from './api/access.js';
import { createApiServer } from './api/http-server.js';
import { buildSchemas } from './api/schemas.js';
import { createEventsServer } from './api/ws-server.js';
import { EventBus } from './chat/event-bus.js';
import type { ChatContext } from './chat/context.js';
import { Messenger } from './chat/messenger.js';
import type { HostConfig } from './config/config.js';
import { toBase64 } from './crypto/identity.js';
import { createDirectory } from './directory/create-directory.js';
import { startIdleCollector } from './idle-collector.js';
import type { Logger } from './logger.js';
import { PeerManager } from './peer/peer-manager.js';
import {
  acquireLock,
  DATABASE_FILE,
  ensureDataDir,
  loadOrCreateToken,
  releaseLock,
  removeHostInfo,
  writeHostInfo,
} from './store/data-dir.js';
import { loadOrCreateIdentity } from './store/identity-file.js';
import { Store } from './store/store.js';
import { hostVersion } from './version.js';

export interface RunningHost {
  details(): HostDetails;
  messenger: Messenger;
  bus: EventBus;
  stop(): Promise<void>;
}

export class HostStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    readonly runningPid?: number,
  ) {
    super(message);
  }
}

/**
 * Brings a host up: data dir and lock, identity, store, directory, peer
 * listener, REST and WebSocket servers; writes host.json last, when every
 * port is bound. `stop()` undoes it all in reverse.
 */
export async function startHost(config: HostConfig, log: Logger): Promise<RunningHost> {
  ensureDataDir(config.dataDir);
  const lock = acquireLock(config.dataDir);
  if (!lock.acquired) {
    throw new HostStartError(`another Parley host (pid ${lock.pid}) is already running for ${config.dataDir}`, 3, lock.pid);
  }
  const cleanups: Array<() => Promise<void> | void> = [() => releaseLock(config.dataDir)];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        log.warn('shutdown step failed', { err });
      }
    }
    cleanups.length = 0;
  };
  try {
    const identity = loadOrCreateIdentity(config.dataDir);
    const token = config.auth === 'token' ? loadOrCreateToken(config.dataDir) : null;
    const store = new Store(path.join(config.dataDir, DATABASE_FILE), { cacheKib: config.limits.sqliteCacheKib });
    cleanups.push(() => store.close());
    const directory = await createDirectory({
      kind: config.directory,
      path: config.directoryPath,
      supabaseUrl: config.supabaseUrl ?? undefined,
      supabaseKey: config.supabaseKey ?? undefined,
      cacheKib: config.limits.sqliteCacheKib,
    });
    cleanups.push(() => directory.close());
    const bus = new EventBus();
    const stored = store.meta.get('username');
    if (config.username && stored && config.username !== stored) {
      throw new HostStartError(`this data dir belongs to '${stored}', not '${config.username}'`, 2);
    }
    const peers = new PeerManager({ identity, store, limits: config.limits, log: log.child('peer'), username: () => store.meta.get('username') });
    const ctx: ChatContext = {
      store,
      bus,
      transport: peers,
      directory,
      identity,
      identityB64: { publicKey: toBase64(identity.publicKey), signingKey: toBase64(identity.signingPublicKey) },
      limits: config.limits,
      log: log.child('chat'),
      presenceTimeoutMs: config.presenceTimeoutMs,
      heartbeatMs: config.heartbeatMs,
      username: () => store.meta.get('username'),
    };
    let peerPort = 0;
    const messenger = new Messenger(ctx, {
      version: hostVersion(),
      addresses: () => advertisedAddresses(config, peerPort),
    });
    peers.attach(messenger);
    if (config.username && !stored) await messenger.setup(config.username);

    peerPort = await peers.listen(config.peerPort, config.peerHost);
    cleanups.push(() => peers.close());
    const access = new AccessPolicy({ token, allowOrigins: config.allowOrigins });
    const schemas = buildSchemas(config.limits);
    const api = createApiServer({ messenger, access, schemas, limits: config.limits, log });
    const events = createEventsServer({ messenger, bus, access, schemas, limits: config.limits, log });
    const apiPort = await listen(api, config.apiPort, 'REST API');
    cleanups.push(() => closeServer(api));
    const wsPort = await listen(events.server, config.wsPort, 'WebSocket');
    cleanups.push(() => {
      events.close();
      return closeServer(events.server);
    });
    messenger.start();
    cleanups.push(() => messenger.stop());
    cleanups.push(
      startIdleCollector({
        quietMs: config.limits.idleCollectMs,
        onError: (err) => log.warn('cannot collect garbage when idle', { err: err.message }),
      }),
    );

    writeHostInfo(config.dataDir, { pid: process.pid, api_port: apiPort, ws_port: wsPort, peer_port: peerPort, started_at: new Date().toISOString() });
    cleanups.push(() => removeHostInfo(config.dataDir));
    log.info(`ready: api 127.0.0.1:${apiPort}, events 127.0.0.1:${wsPort}/events, peers ${config.peerHost}:${peerPort}`, {
      data_dir: config.dataDir,
      directory: config.directory,
    });
    return {
      messenger,
      bus,
      stop,
      details: () => ({ api_port: apiPort, ws_port: wsPort, token, username: ctx.username(), version: hostVersion() }),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function listen(server: http.Server, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(new HostStartError(`${what} cannot listen on 127.0.0.1:${port}: ${err.code ?? err.message}`, 1));
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/**
 * Where friends should dial us. The local directory serves one machine, so
 * loopback; a shared directory gets this machine's non-internal addresses.
 */
function advertisedAddresses(config: HostConfig, peerPort: number): string[] {
  if (config.advertise) return [`${config.advertise.host}:${config.advertise.port ?? peerPort}`];
  if (config.directory === 'local') return [`127.0.0.1:${peerPort}`];
  const found: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const nic of list ?? []) {
      if (nic.internal || nic.address.startsWith('fe80')) continue;
      found.push(nic.family === 'IPv6' ? `[${nic.address}]:${peerPort}` : `${nic.address}:${peerPort}`);
    }
  }
  return found.length > 0 ? found : [`127.0.0.1:${peerPort}`];
}
