import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HostEvent } from '../../../shared/contract.js';
import { openEnvelope } from '../crypto/envelope.js';
import { fromBase64, generateIdentity } from '../crypto/identity.js';
import type { Directory } from '../directory/directory.js';
import { LocalDirectory } from '../directory/local-directory.js';
import { memoryLogger } from '../logger.js';
import type { Store } from '../store/store.js';
import { EventBus } from './event-bus.js';
import { Messenger } from './messenger.js';
import { FakeTransport, fastLimits, memoryStore } from './test-support.js';

/**
 * Two messengers in one process: real stores (in memory), crypto and local
 * directory (a temp file); only the peer transport is a fake, linking them.
 */
interface Node {
  name: string;
  store: Store;
  events: HostEvent[];
  transport: FakeTransport;
  messenger: Messenger;
  identity: ReturnType<typeof generateIdentity>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function directoryFile(): LocalDirectory {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-chat-'));
  const directory = new LocalDirectory({ path: path.join(dir, 'directory.sqlite'), settings: { powRegisterBits: 2, powIntroBits: 2 } });
  cleanups.push(() => {
    directory.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return directory;
}

async function node(name: string, directory: Directory): Promise<Node> {
  const store = memoryStore();
  const identity = generateIdentity();
  const bus = new EventBus();
  const events: HostEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const transport = new FakeTransport();
  const messenger = new Messenger({
    store,
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
  cleanups.push(() => messenger.stop());
  return { name, store, events, transport, messenger, identity };
}

/** A session between two nodes: frames cross on the next tick, as from a socket, and only while it is up. */
function link(a: Node, b: Node) {
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

async function friends(directory: Directory) {
  const alice = await node('alice', directory);
  const bob = await node('bob', directory);
  await alice.messenger.addFriend('bob');
  await bob.messenger.addFriend('alice');
  return { alice, bob, session: link(alice, bob) };
}

const texts = (n: Node) => n.events.flatMap((e) => (e.event === 'new_message' ? [e.data.text] : []));

describe('messenger', () => {
  it('live: committed, acked and answered delivered/direct; the friend shows it once and reads it', async () => {
    const { alice, bob, session } = await friends(directoryFile());
    session.up();
    const sent = await alice.messenger.send('bob', 'hello bob');
    expect(sent).toMatchObject({ delivered: true, delivery_method: 'direct', status: 'delivered' });
    expect(texts(bob)).toEqual(['hello bob']);
    bob.messenger.clientEvent('mark_read', { peer: 'alice', msg_id: sent.msg_id });
    await expect.poll(() => alice.messenger.messages('bob', { limit: 5, offset: 0 }).messages[0]?.status, { interval: 5 }).toBe('read');
  });

  it('offline: the mailbox carries the item frame; the friend takes it once, and the receipt confirms it', async () => {
    const directory = directoryFile();
    const puts: string[] = [];
    const recording: Directory = Object.assign(Object.create(directory) as Directory, {
      mailboxPut: (recipient: string, envelope: string, capability: string | null) => {
        puts.push(envelope);
        return directory.mailboxPut(recipient, envelope, capability);
      },
    });
    const { alice, bob, session } = await friends(recording);
    // Bob added alice back: his grant waits in alice's introduction queue until her host takes its mail.
    alice.messenger.start();
    await expect.poll(() => alice.store.grants.received('bob'), { interval: 5 }).toBeTruthy();
    const first = await alice.messenger.send('bob', 'while you were out');
    const second = await alice.messenger.send('bob', 'and this');
    expect([first.status, second.status]).toEqual(['stored', 'stored']);

    // Alice also mailed bob a receipt for his grant (no session carries it); the first message is sealed after it.
    const frames = puts.map((put) => {
      const opened = openEnvelope(fromBase64(put), {
        username: 'bob',
        identity: bob.identity,
        prekeys: bob.store.prekeys.all().map((p) => ({
          id: p.id,
          keyPair: { publicKey: fromBase64(p.public_key), privateKey: fromBase64(p.private_key) },
          createdAt: p.created_at,
        })),
      });
      expect(opened.content.version).toBe(2);
      return JSON.parse(new TextDecoder().decode((opened.content as { payload: Uint8Array }).payload));
    });
    expect(frames.map((f) => f.type)).toEqual(['receipt', 'item', 'item']);
    expect(frames[1]).toMatchObject({ type: 'item', id: first.msg_id, kind: 'message', body: { text: 'while you were out' } });

    bob.messenger.start();
    await expect.poll(() => texts(bob), { interval: 5 }).toEqual(['while you were out', 'and this']);
    session.up();
    const third = await alice.messenger.send('bob', 'back online');
    expect(third.status).toBe('delivered');
    await expect
      .poll(() => alice.messenger.messages('bob', { limit: 5, offset: 0 }).messages.map((m) => `${m.text}:${m.status}:${m.delivery_method}`), { interval: 5 })
      .toEqual(['while you were out:delivered:offline', 'and this:delivered:offline', 'back online:delivered:direct']);
    // Resent on the session and taken from the mailbox, still shown once each, in send order.
    expect(texts(bob)).toEqual(['while you were out', 'and this', 'back online']);
  });
});
