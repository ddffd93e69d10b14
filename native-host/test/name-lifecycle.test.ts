import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/api-client.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';

const contactOf = async (host: TestHost, username: string) => (await host.api.friends()).find((f) => f.username === username);
const sessions = async (...hosts: TestHost[]) => (await Promise.all(hosts.map((h) => h.api.status()))).every((s) => s.peer_count === 1);

/** Key rotation, recovery and expiry of names, end to end between real hosts. */
describe('the life of a name', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('rotates keys without a key-change alarm: the friend stays verified and both paths keep working', async () => {
    const alice = await net.start({ username: 'alice' });
    let bob = await net.start({ username: 'bob' });
    await net.befriend(alice, bob);
    await bob.api.markVerified('alice', (await bob.api.verification('alice')).safety_number);
    const bobEvents = await bob.events();
    const before = await alice.api.status();

    const after = await alice.api.rotateKeys();
    expect(after.fingerprint).not.toBe(before.fingerprint);
    await bobEvents.waitFor('key_rotated', (d) => d.username === 'alice', 15_000);
    const contact = await contactOf(bob, 'alice');
    expect(contact).toMatchObject({ key_changed: false, verified: true });
    expect(contact?.keys_rotated_at).not.toBeNull();
    expect(contact?.fingerprint).toBe(after.fingerprint);
    expect(bobEvents.of('key_changed')).toEqual([]);

    // Live on the new keys…
    await eventually(() => sessions(alice, bob), 20_000, 'a session on the new keys');
    expect(await alice.api.send('bob', 'new keys, same me')).toMatchObject({ delivered: true, delivery_method: 'direct' });
    // …and offline, sealed for (and from) the new keys.
    await bob.stop();
    const mailed = await alice.api.send('bob', 'mail under the new keys');
    expect(mailed.status).toBe('stored');
    bob = await net.restart(bob);
    await eventually(async () => (await bob.api.messages('alice')).messages.some((m) => m.msg_id === mailed.msg_id), 15_000, 'mail at bob');
    expect((await contactOf(bob, 'alice'))?.key_changed).toBe(false);
    bobEvents.close();
  });

  it('takes a name back with the recovery code after losing the data dir; friends see the key change', async () => {
    let carol = await net.start();
    const { recovery_code } = await carol.api.setup('carol');
    expect(recovery_code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    const dave = await net.start({ username: 'dave' });
    await net.befriend(carol, dave);
    const daveEvents = await dave.events();

    await carol.stop();
    fs.rmSync(carol.dataDir, { recursive: true, force: true });
    carol = await net.start({ dataDir: path.join(net.root, 'carol-again') });
    await expect(carol.api.setup('carol')).rejects.toMatchObject({ status: 409, code: 'USERNAME_TAKEN' });
    const wrong = await carol.api.recover('carol', 'AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH').catch((err: ApiError) => err);
    expect(wrong).toMatchObject({ status: 403, code: 'RECOVERY_REFUSED' });
    const recovered = await carol.api.recover('carol', recovery_code.toLowerCase());
    expect(recovered).toMatchObject({ username: 'carol' });
    expect(recovered.recovery_code).not.toBe(recovery_code);

    // New keys nobody vouched for: dave is told, and holds his messages until he verifies.
    await daveEvents.waitFor('key_changed', (d) => d.username === 'carol', 20_000);
    expect(await contactOf(dave, 'carol')).toMatchObject({ key_changed: true });
    const held = await dave.api.send('carol', 'is that you?');
    expect(held.status).toBe('queued');
    await carol.api.addFriend('dave');
    await dave.api.markVerified('carol', (await dave.api.verification('carol')).safety_number);
    const carolEvents = await carol.events();
    await carolEvents.waitFor('new_message', (m) => m.msg_id === held.msg_id, 20_000);
    carolEvents.close();
    daveEvents.close();
  });

  it('lets another claim a name idle past the limit; its old holder is told', async () => {
    const idleNet = new Testnet({ nameIdleMs: 1500 });
    try {
      const erin = await idleNet.start({ username: 'erin' });
      await erin.stop();
      await new Promise((r) => setTimeout(r, 2000));
      const newcomer = await idleNet.start();
      await newcomer.api.setup('erin');
      const back = await idleNet.restart(erin);
      await eventually(() => /the directory gives our username to other keys/.test(back.stderr), 10_000, 'the old holder told');
    } finally {
      await idleNet.close();
    }
  });
});
