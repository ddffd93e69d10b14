import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { mailFor, replayMail } from './support/host-reads.js';
import { PeerClient } from './support/peer-client.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

const history = async (host: TestHost, peer: string) => (await host.api.messages(peer, { limit: 500 })).messages;

/** A deleted message is gone for good: it never comes back, and nothing of it stays on disk. */
describe('deleting a message', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('is final: the sender sending it again gets an ack, and nothing shows', async () => {
    const alice = await net.start({ username: 'alice' });
    const bob = await net.start({ username: 'bob' });
    await net.befriend(alice, bob);
    const sent = await alice.api.send('bob', 'please forget this');
    await eventually(async () => (await history(bob, 'alice')).some((m) => m.msg_id === sent.msg_id), 10_000, 'the message at bob');
    await bob.api.deleteMessage(sent.msg_id);
    const events = await bob.events();

    // Alice's outbox offers it again (an ack lost with a connection): speak as her, with her keys.
    await alice.stop();
    const asAlice = await PeerClient.connect(bob.info.peer_port, { username: 'alice', identity: PeerClient.identityOf(alice.dataDir) });
    asAlice.send({ type: 'item', id: sent.msg_id, kind: 'message', body: { timestamp: new Date().toISOString(), text: 'please forget this' } });
    // Acked, so the sender stops offering it...
    await asAlice.waitFor((m) => m.type === 'ack' && m.ids.includes(sent.msg_id));
    asAlice.close();
    // ...and never shown again.
    expect((await history(bob, 'alice')).some((m) => m.msg_id === sent.msg_id)).toBe(false);
    expect(events.of('new_message')).toHaveLength(0);
    events.close();
  });

  it('is final: a replayed mail of it is dropped from the mailbox without showing', async () => {
    const frank = await net.start({ username: 'frank' });
    let gail = await net.start({ username: 'gail' });
    await net.befriend(frank, gail);
    await gail.stop();
    const sent = await frank.api.send('gail', 'read once, then gone');
    expect(sent.status).toBe('stored');
    // The directory keeps a copy of the envelope to hand out again later.
    const [copy] = mailFor(net.directoryPath, 'gail');
    gail = await net.restart(gail);
    await eventually(async () => (await history(gail, 'frank')).some((m) => m.msg_id === sent.msg_id), 15_000, 'the mail at gail');
    await gail.api.deleteMessage(sent.msg_id);
    const events = await gail.events();

    replayMail(net.directoryPath, [defined(copy)], 'replay');
    await eventually(() => mailFor(net.directoryPath, 'gail').length === 0, 10_000, 'the replay taken and dropped');
    expect((await history(gail, 'frank')).some((m) => m.msg_id === sent.msg_id)).toBe(false);
    expect(events.of('new_message')).toHaveLength(0);
    events.close();
  });

  it('leaves no trace of its text in the data dir after a clean stop, on either side', async () => {
    const hana = await net.start({ username: 'hana' });
    const ivan = await net.start({ username: 'ivan' });
    await net.befriend(hana, ivan);
    const secret = 'quetzalcoatl vermilion 90210xyzzy';
    await hana.api.send('ivan', 'an ordinary message');
    const sent = await hana.api.send('ivan', secret);
    expect(sent.delivered).toBe(true);
    // Found by search first: the words are in the index.
    expect((await ivan.api.search('quetzalcoatl')).messages).toHaveLength(1);
    await ivan.api.deleteMessage(sent.msg_id);
    await hana.api.deleteMessage(sent.msg_id);
    expect((await ivan.api.search('quetzalcoatl')).messages).toHaveLength(0);
    expect(await hana.stop()).toBe(0);
    expect(await ivan.stop()).toBe(0);

    for (const host of [hana, ivan]) {
      for (const name of fs.readdirSync(host.dataDir)) {
        const file = path.join(host.dataDir, name);
        if (!fs.statSync(file).isFile()) continue;
        const bytes = fs.readFileSync(file);
        for (const needle of [secret, ...secret.split(' ')]) expect(bytes.includes(needle), `${host.dataDir}/${name} holds "${needle}"`).toBe(false);
      }
      // The search index's own tables hold none of its words either.
      const db = new Database(path.join(host.dataDir, 'parley.db'), { readonly: true });
      const blocks = db.prepare(`SELECT block FROM message_search_data`).all() as { block: Buffer | null }[];
      const terms = db.prepare(`SELECT term FROM message_search_idx`).all() as { term: Buffer }[];
      db.close();
      for (const word of secret.split(' ')) {
        expect(blocks.some((b) => b.block?.includes(word)), word).toBe(false);
        expect(terms.some((t) => Buffer.from(t.term).includes(word)), word).toBe(false);
      }
    }
  });
});
