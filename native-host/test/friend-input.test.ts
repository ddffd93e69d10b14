import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sealEnvelope } from '../src/crypto/envelope.js';
import { fromBase64, toBase64 } from '../src/crypto/identity.js';
import { LocalDirectory } from '../src/directory/local-directory.js';
import type { PeerMessage } from '../src/peer/peer-protocol.js';
import { queryDb } from './support/host-reads.js';
import { PeerClient } from './support/peer-client.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

type Item = Extract<PeerMessage, { type: 'item' }>;
const item = (text: string, timestamp = new Date().toISOString()): Item => ({
  type: 'item',
  id: randomUUID(),
  kind: 'message',
  body: { timestamp, text },
});
const BLANK = ' \n\t ';
const TOO_LONG = 'x'.repeat(16_001);
const FAR_AHEAD = '2099-01-01T00:00:00.000Z';

/** Seals `frame` as `from` (with that profile's keys) for `to`'s newest prekey and leaves it in `to`'s mailbox. */
async function mail(directoryPath: string, from: TestHost, fromName: string, to: string, frame: Item): Promise<void> {
  const directory = new LocalDirectory({ path: directoryPath });
  try {
    const [entry] = await directory.lookup([to]);
    const prekey = defined(defined(entry).prekeys[0]);
    const identity = PeerClient.identityOf(from.dataDir);
    const envelope = sealEnvelope({
      sender: { username: fromName, identity: { publicKey: identity.publicKey, privateKey: identity.privateKey } },
      recipient: { username: to, identityKey: fromBase64(defined(entry).publicKey), prekey: { id: prekey.id, publicKey: fromBase64(prekey.publicKey) } },
      id: frame.id,
      payload: new TextEncoder().encode(JSON.stringify(frame)),
    });
    // The drop capability `to` gave `from` when they became friends.
    const [grant] = await eventually(() => {
      const rows = queryDb<{ drop_cap: string }>(from, `SELECT drop_cap FROM grants_received WHERE peer = '${to}'`);
      return rows.length > 0 ? rows : null;
    }, 15_000, `a drop capability from ${to}`);
    await directory.mailboxPut(to, toBase64(envelope), defined(grant).drop_cap);
  } finally {
    await directory.close();
  }
}

/**
 * What a friend's host sends is checked like what our own user sends: the
 * same text rule live and through the mailbox, and a send time that cannot
 * be right replaced by the arrival time.
 */
describe('input from a friend', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('blank or over-long text is refused live and through the mailbox; a time far ahead shows as the arrival time', async () => {
    const alice = await net.start({ username: 'alice' });
    const bob = await net.start({ username: 'bob' });
    await net.befriend(alice, bob);
    await alice.stop();
    const asAlice = await PeerClient.connect(bob.info.peer_port, { username: 'alice', identity: PeerClient.identityOf(alice.dataDir) });

    const live = { blank: item(BLANK), long: item(TOO_LONG), ahead: item('from the future', FAR_AHEAD), offset: item('with an offset', '2026-06-15T12:00:00+02:00'), ok: item('fine') };
    const before = Date.now();
    for (const frame of Object.values(live)) asAlice.send(frame);
    // The good ones are acked; refused ones are left unacked (the sender keeps them).
    await asAlice.waitFor((m) => m.type === 'ack' && [live.ahead, live.offset, live.ok].every((f) => m.ids.includes(f.id)));
    await new Promise((r) => setTimeout(r, 300));
    const acked = asAlice.received.flatMap((m) => (m.type === 'ack' ? m.ids : []));
    expect(acked).not.toContain(live.blank.id);
    expect(acked).not.toContain(live.long.id);
    asAlice.close();

    const mailed = { blank: item(BLANK), ahead: item('mailed from the future', FAR_AHEAD), ok: item('mailed fine') };
    for (const frame of Object.values(mailed)) await mail(net.directoryPath, alice, 'alice', 'bob', frame);
    const shown = async () => (await bob.api.messages('alice', { limit: 500 })).messages;
    await eventually(async () => (await shown()).some((m) => m.msg_id === mailed.ok.id), 15_000, 'the mail at bob');
    await eventually(async () => (await shown()).some((m) => m.msg_id === mailed.ahead.id), 15_000, 'the mail dated ahead at bob');
    const after = Date.now();

    const byId = new Map((await shown()).map((m) => [m.msg_id, m]));
    for (const refused of [live.blank, live.long, mailed.blank]) expect(byId.has(refused.id), JSON.stringify(refused.body).slice(0, 40)).toBe(false);
    for (const future of [live.ahead, mailed.ahead]) {
      const at = Date.parse(defined(byId.get(future.id)).timestamp);
      expect(at).toBeGreaterThanOrEqual(before - 1000);
      expect(at).toBeLessThanOrEqual(after + 1000);
    }
    expect(defined(byId.get(live.offset.id)).timestamp).toBe('2026-06-15T10:00:00.000Z');
    expect(defined(byId.get(live.ok.id)).timestamp).toBe(live.ok.body.timestamp);
    expect(bob.stderr).toMatch(/a friend dated a message outside what their clock can be/);
  });
});
