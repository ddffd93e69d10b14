import { afterAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../src/crypto/identity.js';
import { Testnet } from '../../../testkit/testnet.js';
import { friends } from './support/pair.js';
import { stranger } from './support/stranger.js';
import { report, tally } from './support/tally.js';

const ATTEMPTS = 300;
/** Below the per-address cap on pending handshakes (8), so none is closed early to make room. */
const AT_ONCE = 6;
const LOG_INTERVAL_MS = 2000;
const LINE = "refused sessions under a friend's name with keys other than the pinned ones";

/** The `count` fields of bob's refusal lines for `username`, in order. */
function refusalCounts(stderr: string, username: string): number[] {
  return stderr
    .split('\n')
    .filter((line) => line.includes(LINE))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { count: number; username: string })
    .filter((fields) => fields.username === username)
    .map((fields) => fields.count);
}

/**
 * Someone completes handshake after handshake with bob under his friend
 * alice's name, with a new key each time. Anyone can claim a name: bob
 * refuses each, raises no key_changed, keeps talking to the real alice, and
 * logs one line per (name, address) and interval that counts the attempts,
 * however many keys they make up.
 */
describe('a stranger spamming handshakes under a friend\u2019s name', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('is refused every time, raises nothing, and is logged once per interval with a count', async () => {
    const [alice, bob] = await friends(
      net,
      { username: 'alice' },
      { username: 'bob', args: ['--limit', `refusalLogIntervalMs=${LOG_INTERVAL_MS}`] },
    );
    const events = await bob.events();
    const impostor = () => ({ username: 'alice', identity: generateIdentity() });

    const started = Date.now();
    let closedByHost = 0;
    const accepted = new Map<string, { text: string; result: Awaited<ReturnType<typeof alice.api.send>> }>();
    for (let start = 0; start < ATTEMPTS; start += AT_ONCE) {
      const wave = Array.from({ length: AT_ONCE }, () => stranger(bob.info.peer_port, 'handshake', 5000, impostor()));
      const text = `during impostors #${start / AT_ONCE}`;
      const result = await alice.api.send('bob', text);
      accepted.set(result.msg_id, { text, result });
      closedByHost += (await Promise.all(wave)).filter((w) => w.outcome === 'closed-by-host').length;
    }
    const elapsed = Date.now() - started;
    // One more after a quiet interval: its line tells the attempts kept quiet since the last one.
    await new Promise((r) => setTimeout(r, LOG_INTERVAL_MS + 200));
    await stranger(bob.info.peer_port, 'handshake', 5000, impostor());
    await new Promise((r) => setTimeout(r, 300));

    const counts = refusalCounts(bob.stderr, 'alice');
    const t = tally(accepted, (await bob.api.messages('alice', { limit: 500 })).messages.filter((m) => m.text.startsWith('during impostors')));
    report('impostor-flood', t, {
      attempts: ATTEMPTS + 1,
      closed_by_host: closedByHost,
      log_lines: counts.length,
      logged_count: counts.reduce((a, b) => a + b, 0),
      elapsed_ms: elapsed,
    });

    expect(closedByHost).toBe(ATTEMPTS);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(ATTEMPTS + 1);
    expect(counts.length).toBeLessThanOrEqual(Math.ceil(elapsed / LOG_INTERVAL_MS) + 2);
    expect(events.of('key_changed')).toHaveLength(0);
    expect((await bob.api.friends())[0]).toMatchObject({ username: 'alice', key_changed: false });
    // The real alice was never held or dropped.
    expect([...accepted.values()].every((a) => a.result.delivered)).toBe(true);
    expect(t).toMatchObject({ delivered: accepted.size, duplicated: 0, lost: 0 });
    expect((await bob.api.status()).peer_count).toBe(1);
    events.close();
  });
});
