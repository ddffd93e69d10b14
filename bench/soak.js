// @ts-check
// The soak run (`npm run soak`): two real hosts, a steady stream of messages
// for a long time, and what drifts: each host's RSS and the delivery latency,
// window by window. Not part of CI; it takes 10 minutes by default.
//
//   npm run soak                          10 minutes at 20 messages/s
//   npm run soak -- --minutes 2 --rate 50
import fs from 'node:fs';
import path from 'node:path';
import { HostNet, REPO_DIR, startFriendPair } from './lib/hosts.js';
import { median, percentile, round, sleep } from './lib/stats.js';

const WINDOW_MS = 30_000;

/**
 * @param {string} name
 * @param {number} fallback
 */
function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} needs a positive number`);
  return value;
}

const minutes = option('minutes', 10);
const rate = option('rate', 20);
const net = new HostNet();
/** @type {Array<{ at_s: number, sent: number, p50_ms: number, p99_ms: number, alice_rss_mb: number, bob_rss_mb: number }>} */
const windows = [];

try {
  const { alice, bob } = await startFriendPair(net, 'soak-alice', 'soak-bob');
  const events = await bob.events();
  const started = performance.now();
  const end = started + minutes * 60_000;
  let sent = 0;
  let failed = 0;
  /** @type {number[]} */
  let latencies = [];
  let windowEnd = started + WINDOW_MS;
  const interval = 1000 / rate;
  const inflight = new Set();

  while (performance.now() < end) {
    const text = `soak #${sent}`;
    const t0 = performance.now();
    const arrival = events.arrival(text, 30_000);
    const job = alice.http
      .ok('POST', '/messages', { to: 'soak-bob', text })
      .then(() => arrival)
      .then((at) => latencies.push(at - t0))
      .catch(() => (failed += 1))
      .finally(() => inflight.delete(job));
    inflight.add(job);
    sent += 1;
    if (performance.now() >= windowEnd) {
      closeWindow();
      windowEnd += WINDOW_MS;
    }
    await sleep(Math.max(0, t0 + interval - performance.now()));
  }
  await Promise.all(inflight);
  if (latencies.length > 0) closeWindow();

  function closeWindow() {
    windows.push({
      at_s: round((performance.now() - started) / 1000, 0),
      sent,
      p50_ms: round(median(latencies), 2),
      p99_ms: round(percentile(latencies, 99), 2),
      alice_rss_mb: round(alice.rssMb(), 1),
      bob_rss_mb: round(bob.rssMb(), 1),
    });
    console.log(JSON.stringify(windows.at(-1)));
    latencies = [];
  }
  events.close();

  const first = windows[0];
  const last = windows.at(-1);
  if (!first || !last) throw new Error('the soak ran shorter than one window');
  const summary = {
    minutes,
    rate_per_s: rate,
    sent,
    failed,
    rss_growth_mb: { alice: round(last.alice_rss_mb - first.alice_rss_mb, 1), bob: round(last.bob_rss_mb - first.bob_rss_mb, 1) },
    latency_drift: {
      p50_first_ms: first.p50_ms,
      p50_last_ms: last.p50_ms,
      p99_first_ms: first.p99_ms,
      p99_last_ms: last.p99_ms,
    },
    windows,
  };
  const file = path.join(REPO_DIR, 'bench/results/soak.json');
  fs.writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
  console.log(`\nsoak: ${sent} sent, ${failed} failed over ${minutes} min at ${rate}/s`);
  console.log(`RSS growth: alice ${summary.rss_growth_mb.alice} MB, bob ${summary.rss_growth_mb.bob} MB`);
  console.log(`latency p50 ${first.p50_ms} → ${last.p50_ms} ms, p99 ${first.p99_ms} → ${last.p99_ms} ms`);
  console.log(`${path.relative(REPO_DIR, file)} written`);
  if (failed > 0) process.exitCode = 1;
} finally {
  await net.close();
}
