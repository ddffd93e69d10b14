/**
 * Latency and throughput of sending: POST /messages on alice → new_message
 * on bob's WebSocket, measured against the bare pipe in the same run. Rounds
 * alternate floor and Parley so drift on a shared machine hits both alike.
 */
import type { MessagesResponse, SendResult } from '../../shared/contract.js';
import type { EventClient } from '../../testkit/event-client.js';
import type { HttpAnswer } from '../../testkit/http-client.js';
import type { TestHost } from '../../testkit/test-host.js';
import type { Testnet } from '../../testkit/testnet.js';
import { startFloor } from '../lib/floor.js';
import { target, type Report } from '../lib/report.js';
import { median, percentile } from '../lib/stats.js';

// A typical chat line: long enough to be realistic, short enough to be one packet.
const FILLER = 'the quick brown fox jumps over the lazy dog; see you at eight?';

/** Parley or the floor, driven alike: a send, and the socket its pushes arrive on. */
interface Target {
  name: string;
  send: (text: string) => Promise<HttpAnswer<Partial<SendResult> | undefined>>;
  events: EventClient;
}

/**
 * Sends `count` messages one at a time; returns each POST-to-push latency in ms.
 */
async function latencySamples(t: Target, count: number, tag: string) {
  const samples: number[] & { rate?: number } = [];
  const startedAt = performance.now();
  for (let i = 0; i < count; i++) {
    const text = `${tag}:${i} ${FILLER}`;
    const arrival = t.events.arrival(text);
    const sentAt = performance.now();
    const res = await t.send(text);
    if (res.status !== 201 || res.body?.delivered !== true) throw new Error(`${t.name}: send not delivered: ${res.status} ${JSON.stringify(res.body)}`);
    samples.push((await arrival) - sentAt);
  }
  samples.rate = count / ((performance.now() - startedAt) / 1000);
  return samples;
}

/**
 * `senders` concurrent loops of acked sends for `durationMs`.
 */
async function throughputRun(t: Target, senders: number, durationMs: number, tag: string) {
  let acked = 0;
  let notAcked = 0;
  const startedAt = performance.now();
  const deadline = startedAt + durationMs;
  await Promise.all(
    Array.from({ length: senders }, async (_, s) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const res = await t.send(`${tag}:${s}:${i} ${FILLER}`);
        if (res.status === 201 && res.body?.delivered === true) acked += 1;
        else notAcked += 1;
      }
    }),
  );
  const seconds = (performance.now() - startedAt) / 1000;
  return { rate: acked / seconds, acked, notAcked, seconds };
}

export async function runMessaging(net: Testnet, report: Report, options: { quick: boolean }) {
  const cfg = options.quick
    ? { warmup: 100, rounds: 3, perRound: 100, tpRounds: 2, tpMs: 1500, tpWarmupMs: 300, senders: 32 }
    : { warmup: 500, rounds: 5, perRound: 1000, tpRounds: 5, tpMs: 8000, tpWarmupMs: 1000, senders: 32 };

  const { alice, bob } = await net.friendPair('bench-alice', 'bench-bob');
  const floor = await startFloor();
  try {
    const parley: Target = { name: 'parley', send: (text) => alice.http.request('POST', '/messages', { to: 'bench-bob', text }), events: await bob.events({ keep: false }) };
    const pipe: Target = { name: 'floor', send: (text) => floor.http.request('POST', '/messages', { to: 'bench-bob', text }), events: await floor.events({ keep: false }) };

    // Warm-up: JIT, connection pools, SQLite page cache.
    await latencySamples(pipe, cfg.warmup, 'warm-floor');
    await latencySamples(parley, cfg.warmup, 'warm-parley');
    await throughputRun(pipe, cfg.senders, cfg.tpWarmupMs, 'warm-tp-floor');
    await throughputRun(parley, cfg.senders, cfg.tpWarmupMs, 'warm-tp-parley');

    const lat: Record<string, number>[] = [];
    for (let r = 0; r < cfg.rounds; r++) {
      const f = await latencySamples(pipe, cfg.perRound, `lat-floor-${r}`);
      const p = await latencySamples(parley, cfg.perRound, `lat-parley-${r}`);
      const row = { floor_rate: f.rate ?? NaN, parley_rate: p.rate ?? NaN, floor_p50: percentile(f, 50), floor_p99: percentile(f, 99), parley_p50: percentile(p, 50), parley_p99: percentile(p, 99) };
      lat.push({ ...row, p50_ratio: row.parley_p50 / row.floor_p50, p99_ratio: row.parley_p99 / row.floor_p99, rate_ratio: row.parley_rate / row.floor_rate });
    }
    const m = (key: string) => median(lat.map((row) => row[key] ?? NaN));
    const n = `median of ${cfg.rounds} rounds × ${cfg.perRound} messages`;
    report.add('latency', 'floor_p50', 'floor p50', m('floor_p50'), 'ms', undefined, n);
    report.add('latency', 'parley_p50', 'Parley p50', m('parley_p50'), 'ms', undefined, n);
    report.add('latency', 'p50_ratio', 'Parley / floor p50', m('p50_ratio'), '×', target('<=', 1.5, '≤ 1.5×'));
    report.add('latency', 'floor_p99', 'floor p99', m('floor_p99'), 'ms', undefined, n);
    report.add('latency', 'parley_p99', 'Parley p99', m('parley_p99'), 'ms', undefined, n);
    report.add('latency', 'p99_ratio', 'Parley / floor p99', m('p99_ratio'), '×', target('<=', 2, '≤ 2×'));
    report.add('throughput', 'sequential_rate', 'Parley, 1 sender (from latency rounds)', m('parley_rate'), 'msg/s', undefined, 'informational');
    report.add('throughput', 'sequential_ratio', 'Parley / floor, 1 sender', m('rate_ratio'), '×', undefined, 'informational');

    const tp = [];
    for (let r = 0; r < cfg.tpRounds; r++) {
      const f = await throughputRun(pipe, cfg.senders, cfg.tpMs, `tp-floor-${r}`);
      const before = await totals(alice, bob);
      const p = await throughputRun(parley, cfg.senders, cfg.tpMs, `tp-parley-${r}`);
      const after = await totals(alice, bob);
      // "Acked means committed": every accepted send is in alice's database, and
      // bob's holds at least every acked one (the unacked may still be in flight).
      const sentRows = after.sent - before.sent;
      const receivedRows = after.received - before.received;
      const committed = sentRows === p.acked + p.notAcked && receivedRows >= p.acked;
      tp.push({ floor: f, parley: p, sent_rows: sentRows, received_rows: receivedRows, committed, ratio: p.rate / f.rate });
    }
    const tn = `${cfg.senders} senders, median of ${cfg.tpRounds} rounds × ${cfg.tpMs / 1000} s`;
    report.add('throughput', 'floor_rate', 'floor', median(tp.map((x) => x.floor.rate)), 'msg/s', undefined, tn);
    report.add('throughput', 'parley_rate', 'Parley (acked, committed both sides)', median(tp.map((x) => x.parley.rate)), 'msg/s', undefined, tn);
    report.add('throughput', 'ratio', 'Parley / floor', median(tp.map((x) => x.ratio)), '×', target('>=', 0.5, '≥ 0.5×'));
    report.add('throughput', 'not_acked', 'sends answered 201 without ack (queued)', median(tp.map((x) => x.parley.notAcked)), 'per round', undefined, 'informational: a 201 with delivered=false');
    report.add('throughput', 'committed', 'acked = committed on both sides', tp.every((x) => x.committed) ? 1 : 0, '', target('>=', 1, 'all rounds'));
    report.detail('messaging', { config: cfg, latency_rounds: lat, throughput_rounds: tp });
    parley.events.close();
    pipe.events.close();
  } finally {
    await floor.stop();
    await Promise.all([alice.stop(), bob.stop()]);
  }
}

/**
 * Rows each side holds for the conversation (total from GET /messages).
 */
async function totals(alice: TestHost, bob: TestHost) {
  const [a, b] = await Promise.all([
    alice.http.ok<MessagesResponse>('GET', '/messages?peer=bench-bob&limit=1'),
    bob.http.ok<MessagesResponse>('GET', '/messages?peer=bench-alice&limit=1'),
  ]);
  return { sent: a.total, received: b.total };
}
