import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { sealEnvelope } from '../../src/crypto/envelope.js';
import { fromBase64, generateIdentity, toBase64 } from '../../src/crypto/identity.js';
import { newCapability } from '../../src/directory/capability.js';
import { LocalDirectory } from '../../src/directory/local-directory.js';
import { introSubject, solveWork } from '../../src/directory/proof-of-work.js';
import type { Accepted } from './support/burst.js';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import { fullHistory, report, tally } from './support/tally.js';
import { defined } from '../../../shared/defined.js';

const FLOOD = 400;
const MESSAGES = 60;

/**
 * A stranger floods bob's introduction queue with well-formed introductions
 * (sealed grants, a fresh identity and a valid proof of work each) while
 * alice keeps writing to bob, who is away: every one of alice's messages is
 * taken by the mailbox, and bob gets each once when he is back; the flood
 * leaves at most the queue's cap in the directory and at most
 * `maxIntroductions` on bob's side.
 */
describe('a flood of introductions', () => {
  const net = new Testnet({ introMaxPending: 16 });
  afterAll(() => net.close());

  it('never costs a friend a message', async () => {
    const alice = await net.start({ username: 'alice' });
    let bob = await net.start({ username: 'bob', args: ['--limit', 'maxIntroductions=20'] });
    await net.befriend(alice, bob);
    const directory = new LocalDirectory({ path: net.directoryPath });
    const [entry] = await directory.lookup(['bob']);
    const prekey = defined(defined(entry).prekeys[0]);
    await bob.stop();

    const { powIntroBits } = await directory.policy();
    const outcomes = new Map<string, number>();
    const flood = (async () => {
      for (let i = 0; i < FLOOD; i++) {
        const me = generateIdentity();
        const frame = { type: 'item', id: randomUUID(), kind: 'grant', body: { drop: newCapability(), presence: newCapability(), serial: 1 } };
        const envelope = toBase64(
          sealEnvelope({
            sender: { username: `stranger${i}`, identity: me },
            recipient: { username: 'bob', identityKey: fromBase64(defined(entry).publicKey), prekey: { id: prekey.id, publicKey: fromBase64(prekey.publicKey) } },
            id: frame.id,
            payload: new TextEncoder().encode(JSON.stringify(frame)),
          }),
        );
        const work = await solveWork('intro', introSubject('bob', envelope), powIntroBits);
        const outcome = await directory.introPut('bob', envelope, work).then(() => 'accepted', (err: { code?: string }) => err.code ?? 'error');
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
    })();
    const accepted = new Map<string, Accepted>();
    for (let n = 0; n < MESSAGES; n++) {
      const text = `while the flood runs #${n}`;
      const result = await alice.api.send('bob', text);
      accepted.set(result.msg_id, { text, result });
    }
    await flood;
    await directory.close();

    bob = await net.restart(bob, { args: ['--limit', 'maxIntroductions=20'] });
    await eventually(async () => (await fullHistory(bob, 'alice')).length >= MESSAGES, 60_000, 'every message at bob');
    const t = tally(accepted, await fullHistory(bob, 'alice'));
    const stored = [...accepted.values()].filter((a) => a.result.status === 'stored').length;
    const pending = await bob.api.introductions();
    report('intro-flood', t, {
      introductions_tried: FLOOD,
      introductions_accepted: outcomes.get('accepted') ?? 0,
      introductions_refused_queue_full: outcomes.get('DIRECTORY_LIMIT') ?? 0,
      messages_stored_during_flood: stored,
      introductions_kept_by_bob: pending.length,
    });
    expect(t).toMatchObject({ delivered: MESSAGES, duplicated: 0, lost: 0, corrupted: 0 });
    expect(stored).toBe(MESSAGES);
    expect(outcomes.get('accepted')).toBeLessThanOrEqual(16);
    expect((outcomes.get('accepted') ?? 0) + (outcomes.get('DIRECTORY_LIMIT') ?? 0)).toBe(FLOOD);
    expect(pending.length).toBeLessThanOrEqual(20);
    expect(pending.length).toBeGreaterThan(0);
    expect(bob.child.exitCode).toBeNull();
  });
});
