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
import { Messenger } from './chat/messenger.js';
import { Conversations } from './chat/conversations.js';
import { MessageViews } from './chat/message-views.js';
import { MessageSearch } from './chat/search.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { newProofKey } from './host-proof.js';
import type { HostConfig } from './config/config.js';
import { createDirectory } from './directory/create-directory.js';
import { startIdleCollector } from './idle-collector.js';
import type { Logger } from './logger.js';
import type { DhtTransport } from './peer/dht-transport.js';
import { PeerManager } from './peer/peer-manager.js';
import { TcpTransport } from './peer/tcp-transport.js';
import {
  acquireLock,
  createToken,
  DATABASE_FILE,
  ensureDataDir,
  releaseLock,
  removeHostInfo,
  writeHostInfo,
} from './store/data-dir.js';
import { AttachmentFiles } from './store/attachment-files.js';
import { IdentityFile } from './store/identity-file.js';
import { loadOrCreateSeed } from './store/seed-file.js';
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
    readonly exitCode: ExitCode,
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
    throw new HostStartError(`another Parley host (pid ${lock.pid}) is already running for ${config.dataDir}`, EXIT.alreadyRunning, lock.pid);
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
    const identityFile = new IdentityFile(config.dataDir);
    const identityState = identityFile.load();
    // Live: the peer layer and the messenger share this object, and a key rotation changes it in place.
    const identity = identityState.current;
    const token = config.auth === 'token' ? createToken(config.dataDir) : null;
    const proofKey = newProofKey();
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
      throw new HostStartError(`this data dir belongs to '${stored}', not '${config.username}'`, EXIT.usage);
    }
    const peerLog = log.child('peer');
    // Loaded on demand: hyperdht and its native parts cost memory a host without the DHT does not need.
    const dht: DhtTransport | null = config.dht.enabled
      ? new (await import('./peer/dht-transport.js')).DhtTransport({
          seed: loadOrCreateSeed(path.join(config.dataDir, DHT_SEED_FILE)),
          bootstrap: config.dht.bootstrap,
          relays: config.dht.relays,
          host: config.peerHost,
          limits: config.limits,
          log: log.child('dht'),
          friendOf: (key) => store.friends.byDhtKey(key),
        })
      : null;
    const peers = new PeerManager({
      identity,
      store,
      limits: config.limits,
      log: peerLog,
      username: () => store.meta.get('username'),
      tcp: new TcpTransport(peerLog, { dialLocal: config.dialLocal }),
      dht,
    });
    cleanups.push(() => peers.close());
    let peerPort = 0;
    const messenger = new Messenger({
      store,
      files: new AttachmentFiles(config.dataDir),
      bus,
      transport: peers,
      directory,
      identity: identityState,
      identityFile,
      limits: config.limits,
      presenceTimeoutMs: config.presenceTimeoutMs,
      heartbeatMs: config.heartbeatMs,
      log: log.child('chat'),
      version: hostVersion(),
      reachability: () => ({ addresses: advertisedAddresses(config, peerPort), dhtKey: dht?.publicKey ?? null }),
    });
    peers.attach(messenger);
    if (config.username && !stored) {
      const { recovery_code } = await messenger.setup(config.username);
      // Set up from the command line, nobody else will ever see it: logged once, never stored.
      log.info(`recovery code for ${config.username}: ${recovery_code} (write it down: it takes the name back if this data dir is lost)`);
    }

    peerPort = await peers.listen(config.peerPort, config.peerHost);
    const access = new AccessPolicy({ token, allowOrigins: config.allowOrigins });
    const schemas = buildSchemas(config.limits);
    const username = () => store.meta.get('username');
    const views = new MessageViews({ messages: store.messages, reactions: store.changes, attachments: store.attachments, bus, self: username });
    const readers = {
      search: new MessageSearch({ search: store.search, messages: store.messages, friends: store.friends, limits: config.limits, views }),
      conversations: new Conversations({ conversations: store.conversations, views }),
    };
    const api = createApiServer({ messenger, readers, access, schemas, limits: config.limits, log, proofKey });
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

    writeHostInfo(config.dataDir, {
      pid: process.pid,
      api_port: apiPort,
      ws_port: wsPort,
      peer_port: peerPort,
      started_at: new Date().toISOString(),
      proof_key: proofKey,
    });
    cleanups.push(() => removeHostInfo(config.dataDir));
    log.info(`ready: api 127.0.0.1:${apiPort}, events 127.0.0.1:${wsPort}/events, peers ${config.peerHost}:${peerPort}`, {
      data_dir: config.dataDir,
      directory: config.directory,
      dht: dht ? { key: dht.publicKey, relays: config.dht.relays.length } : 'off',
    });
    return {
      messenger,
      bus,
      stop,
      details: () => ({ api_port: apiPort, ws_port: wsPort, token, username: messenger.username(), version: hostVersion() }),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function listen(server: http.Server, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) =>
      reject(new HostStartError(`${what} cannot listen on 127.0.0.1:${port}: ${err.code ?? err.message}`, EXIT.failed));
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

/** The seed of this profile's HyperDHT key pair (not its identity key), 0600. */
export const DHT_SEED_FILE = 'dht-seed';

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
