import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../testkit/eventually.js';
import { Testnet } from '../../../testkit/testnet.js';
import { friends } from './support/pair.js';
import { stranger, type StrangerKind, type StrangerOutcome } from './support/stranger.js';
import { fullHistory, report, tally } from './support/tally.js';
import { defined } from '../../../shared/defined.js';

const ATTEMPTS = 1000;
const AT_ONCE = 100;
/** Pace of the friends' conversation during the flood. */
const MESSAGE_EVERY_MS = 100;
const KINDS: StrangerKind[] = ['handshake', 'garbage', 'silent', 'hangup'];

const percentile = (values: number[], p: number) => defined([...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))]);

/**
 * 1,000 connection attempts from strangers on a host's peer port while two
 * friends keep talking: the live session survives, every message arrives
 * once, and the friends' round trip stays well inside the ack timeout.
 */
describe('a flood of strangers on the peer port', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('does not degrade a live conversation', async () => {
    const [alice, bob] = await friends(net, { username: 'alice' }, { username: 'bob', args: ['--limit', 'handshakeTimeoutMs=1500'] });
    // Sends one message at a time, at least `count`, then on until `stop()`.
    const measure = async (label: string, count: number, stop: () => boolean) => {
      const latencies: number[] = [];
      const accepted = new Map<string, { text: string; result: Awaited<ReturnType<typeof alice.api.send>> }>();
      for (let n = 0; n < count || !stop(); n++) {
        const text = `${label} #${n}`;
        const t0 = Date.now();
        const result = await alice.api.send('bob', text);
        latencies.push(Date.now() - t0);
        accepted.set(result.msg_id, { text, result });
        await new Promise((r) => setTimeout(r, MESSAGE_EVERY_MS));
      }
      return { latencies, accepted };
    };

    const baseline = await measure('flood-baseline', 20, () => true);
    const outcomes = new Map<string, number>();
    let replies = 0;
    let done = 0;
    const flood = (async () => {
      for (let start = 0; start < ATTEMPTS; start += AT_ONCE) {
        const wave = Array.from({ length: Math.min(AT_ONCE, ATTEMPTS - start) }, (_, k) =>
          stranger(bob.info.peer_port, defined(KINDS[(start + k) % KINDS.length]), 10_000),
        );
        for (const { outcome, gotReply } of await Promise.all(wave)) {
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (gotReply) replies += 1;
          done += 1;
        }
      }
    })();
    const during = await measure('flood-during', 30, () => done >= ATTEMPTS);
    await flood;

    await eventually(async () => {
      const got = new Set((await fullHistory(bob, 'alice')).map((m) => m.msg_id));
      return [...during.accepted.keys()].every((id) => got.has(id));
    }, 30_000, 'every message at bob');
    const mine = (await fullHistory(bob, 'alice')).filter((m) => m.text.startsWith('flood-during #'));
    const t = tally(during.accepted, mine);
    const direct = [...during.accepted.values()].filter((a) => a.result.delivered).length;
    const outcome = (o: StrangerOutcome) => outcomes.get(o) ?? 0;
    report('stranger-flood', t, {
      attempts: done,
      closed_by_host: outcome('closed-by-host'),
      refused: outcome('refused'),
      held_open: outcome('held-open'),
      handshake_replies: replies,
      delivered_direct: direct,
      baseline_p50_ms: percentile(baseline.latencies, 0.5),
      during_p50_ms: percentile(during.latencies, 0.5),
      during_p95_ms: percentile(during.latencies, 0.95),
    });
    expect(done).toBe(ATTEMPTS);
    expect(outcome('held-open')).toBe(0);
    expect(t).toMatchObject({ delivered: during.accepted.size, duplicated: 0, lost: 0, corrupted: 0 });
    // Every message went over the live session and was acked: the conversation never fell back.
    expect(direct).toBe(during.accepted.size);
    expect(percentile(during.latencies, 0.95)).toBeLessThan(1500);
    // Hundreds of refusals from one address, each stranger with a key of its own: a line or two, not hundreds.
    const lines = (text: string) => bob.stderr.split('\n').filter((line) => line.includes(text)).length;
    expect(lines('refused sessions from strangers')).toBe(1);
    expect(lines('refused failed handshakes')).toBeLessThanOrEqual(1);
    expect((await bob.api.status()).peer_count).toBe(1);
    expect(bob.child.exitCode).toBeNull();
  });
});
