import { afterAll, describe, expect, it } from 'vitest';
import { swapKeyRecord } from './support/swap-record.js';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { defined } from '../../shared/defined.js';

/**
 * Marking a friend verified pins the keys behind the safety number the user
 * compared, never whatever keys the host holds at the moment of the click.
 */
describe('verification is bound to the safety number shown', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  const verify = async (host: TestHost, friend: string, body?: unknown) => {
    const res = await fetch(`${host.apiUrl}/friends/${friend}/verify`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };

  it('needs the number: 400 without it, 409 for another one, 200 for the current one however it is spaced', async () => {
    const alice = await net.start({ username: 'alice' });
    const bob = await net.start({ username: 'bob' });
    await net.befriend(alice, bob);
    const shown = (await alice.api.verification('bob')).safety_number;

    expect(await verify(alice, 'bob')).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
    expect(await verify(alice, 'bob', {})).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
    expect(await verify(alice, 'bob', { safety_number: 42 })).toMatchObject({ status: 400 });
    expect(await verify(alice, 'bob', { safety_number: '1'.repeat(60) })).toMatchObject({ status: 409, body: { code: 'SAFETY_NUMBER_CHANGED' } });
    expect(defined((await alice.api.friends())[0]).verified).toBe(false);

    const unspaced = shown.replace(/\s+/g, '');
    expect(await verify(alice, 'bob', { safety_number: unspaced })).toMatchObject({ status: 200, body: { username: 'bob', verified: true } });
  });

  it('refuses the number shown before the directory swapped the keys, and pins the new ones only with their own number', async () => {
    const carol = await net.start({ username: 'carol' });
    const dave = await net.start({ username: 'dave' });
    await net.befriend(carol, dave);
    const events = await carol.events();
    const pinned = defined((await carol.api.friends())[0]);
    const shown = (await carol.api.verification('dave')).safety_number;

    // While the user compares `shown`, the directory starts serving other keys for dave.
    const swapped = swapKeyRecord(net.directoryPath, 'dave');
    await events.waitFor('key_changed', (d) => d.username === 'dave', 10_000);

    expect(await verify(carol, 'dave', { safety_number: shown })).toMatchObject({ status: 409, body: { code: 'SAFETY_NUMBER_CHANGED' } });
    expect((await carol.api.friends())[0]).toMatchObject({ public_key: pinned.public_key, verified: false, key_changed: true });

    const now = await carol.api.verification('dave');
    expect(now.safety_number).not.toBe(shown);
    expect(now.key_changed).toBe(true);
    const marked = await verify(carol, 'dave', { safety_number: now.safety_number });
    expect(marked).toMatchObject({ status: 200, body: { verified: true, key_changed: false, public_key: swapped.publicKey } });
    events.close();
  });
});
