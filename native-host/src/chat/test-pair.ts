import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import type { HostEvent } from '../../../shared/contract.js';
import { generateIdentity } from '../crypto/identity.js';
import type { Directory } from '../directory/directory.js';
import { LocalDirectory } from '../directory/local-directory.js';
import { memoryLogger } from '../logger.js';
import type { Store } from '../store/store.js';
import { EventBus } from './event-bus.js';
import { Messenger } from './messenger.js';
import { FakeTransport, fastLimits, memoryStore, tempFiles } from './test-support.js';

/**
 * Two messengers in one process: real stores (in memory), crypto and local
 * directory (a temp file); only the peer transport is a fake, linking them.
 */
export interface Node {
  name: string;
  store: Store;
  events: HostEvent[];
  transport: FakeTransport;
  messenger: Messenger;
  identity: ReturnType<typeof generateIdentity>;
}

/** A local directory in a temp file, removed when the test ends. */
export function directoryFile(): LocalDirectory {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-chat-'));
  const directory = new LocalDirectory({ path: path.join(dir, 'directory.sqlite'), settings: { powRegisterBits: 2, powIntroBits: 2 } });
  onTestFinished(() => {
    directory.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return directory;
}

/** One messenger, set up as `name`, stopped when the test ends. */
export async function node(name: string, directory: Directory): Promise<Node> {
  const store = memoryStore();
  const identity = generateIdentity();
  const bus = new EventBus();
  const events: HostEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const transport = new FakeTransport();
  const messenger = new Messenger({
    store,
    files: tempFiles(),
    bus,
    transport,
    directory,
    identity: { current: identity, previous: [], pending: null },
    identityFile: { save: () => undefined },
    limits: fastLimits(),
    presenceTimeoutMs: 60_000,
    heartbeatMs: 60_000,
    log: memoryLogger(),
    version: 'test',
    reachability: () => ({ addresses: [], dhtKey: null }),
  });
  await messenger.setup(name);
  onTestFinished(() => messenger.stop());
  return { name, store, events, transport, messenger, identity };
}

/** A session between two nodes: frames cross on the next tick, as from a socket, and only while it is up. */
export function link(a: Node, b: Node) {
  const wire = (from: Node, to: Node) => {
    from.transport.deliver = (_to, message) =>
      setImmediate(() => {
        if (from.transport.isConnected(to.name)) to.messenger.message(from.name, message);
      });
  };
  wire(a, b);
  wire(b, a);
  return {
    up() {
      a.transport.up(b.name);
      b.transport.up(a.name);
      a.messenger.sessionUp(b.name);
      b.messenger.sessionUp(a.name);
    },
  };
}

/** alice and bob, friends both ways, with a session they can bring up. */
export async function friends(directory: Directory) {
  const alice = await node('alice', directory);
  const bob = await node('bob', directory);
  await alice.messenger.addFriend('bob');
  await bob.messenger.addFriend('alice');
  return { alice, bob, session: link(alice, bob) };
}
