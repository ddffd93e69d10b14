import { describe, expect, it } from 'vitest';
import { openEnvelope } from '../crypto/envelope.js';
import { fromBase64 } from '../crypto/identity.js';
import type { Directory } from '../directory/directory.js';
import { directoryFile, friends, type Node } from './test-pair.js';

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
