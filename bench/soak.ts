// The soak run (`npm run soak`): two real hosts that are friends, each with a
// WebSocket client like an open side panel, a steady stream of messages from
// alice to bob, then a quiet spell. Every few seconds both hosts are read:
// resident memory split into anonymous and file-backed (/proc), and the V8
// heap from inside (through the inspector). It reports memory at idle, after
// warm-up, at the end of the stream and after the quiet spell, and the growth
// slope after warm-up (least squares), per host; with forced GCs and a pause
// after warm-up also what each host kept (see checkSoak).
//
//   npm run soak                              100,000 messages at 100/s (~17 min), then 60 s idle
//   npm run soak -- --minutes 3 --check       the CI check (see checkSoak): 30 s pauses after warm-up and at the end
//   npm run soak -- --bare                    hosts without native-host/node-flags.ts, to compare
//
// Options: --minutes N, --rate R (messages/s), --idle-seconds S, --warmup-minutes W,
// --pause-seconds S (quiet between warm-up and the rest of the stream),
// --sample-seconds S, --gc (a forced full GC after each reading; on with --check),
// --check [--max-anon MB/min] [--max-heap MB/min], --out FILE.
import fs from 'node:fs';
import path from 'node:path';
import type { MessagesResponse } from '../shared/contract.js';
import { eventually } from '../testkit/eventually.js';
import { REPO_DIR } from '../testkit/repo.js';
import { Testnet } from '../testkit/testnet.js';
import { MemoryProbe, type MemorySample } from './lib/memory-probe.js';
import { checkSoak, soakTable, summarizeHost, SOAK_LIMITS, type SoakSample } from './lib/soak-summary.js';
import { median, percentile, round, sleep } from './lib/stats.js';

/** A message not shown on bob's side this long after its POST counts as failed. */
const ARRIVAL_TIMEOUT_MS = 60_000;

function option(name: string, fallback: number, options: { zero?: boolean } = {}) {
  const at = process.argv.indexOf(`--${name}`);
  const value = at === -1 ? fallback : Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !options.zero)) throw new Error(`--${name} needs a positive number`);
  return value;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const check = flag('check');
const rate = option('rate', 100);
const minutes = option('minutes', 100_000 / rate / 60);
const idleSeconds = option('idle-seconds', check ? 30 : 60, { zero: true });
const pauseSeconds = option('pause-seconds', check ? 30 : 0, { zero: true });
const warmupMinutes = option('warmup-minutes', Math.min(2, minutes / 3));
const sampleSeconds = option('sample-seconds', 10);
const forceGc = check || flag('gc');
const bare = flag('bare');
const limits = {
  anonMbPerMin: option('max-anon', SOAK_LIMITS.anonMbPerMin),
  heapMbPerMin: option('max-heap', SOAK_LIMITS.heapMbPerMin),
};
const outArg = process.argv[process.argv.indexOf('--out') + 1];
const outFile = flag('out') && outArg ? path.resolve(outArg) : path.join(REPO_DIR, 'bench/results', check ? 'soak-check.json' : 'soak.json');
if (warmupMinutes >= minutes) throw new Error('--warmup-minutes must be shorter than --minutes');

const net = new Testnet({}, { purpose: 'bench', bare });
const probes: MemoryProbe[] = [];
const samples: SoakSample[] = [];
const latencyWindows: Array<{ at_s: number; sent: number; p50_ms: number; p99_ms: number }> = [];

try {
  const inspect = { nodeArgs: ['--inspect=127.0.0.1:0'] };
  const [alice, bob] = await Promise.all([
    net.start({ username: 'soak-alice', ...inspect }),
    net.start({ username: 'soak-bob', ...inspect }),
  ]);
  await net.befriend(alice, bob);
  // Both sides have a client, like an open side panel: bob's gets the
  // messages, alice's the delivery statuses.
  const [aliceEvents, bobEvents] = await Promise.all([alice.events({ keep: false }), bob.events({ keep: false })]);
  const [aliceProbe, bobProbe] = [await MemoryProbe.attach(alice), await MemoryProbe.attach(bob)];
  probes.push(aliceProbe, bobProbe);
  const started = performance.now();
  const elapsedS = () => (performance.now() - started) / 1000;
  let phase = 'idle';
  let sent = 0;
  let failed = 0;
  const failures: string[] = [];

  const takeSample = async () => {
    const at = round(elapsedS(), 1);
    const [a, b] = await Promise.all([aliceProbe.sample({ gc: forceGc }), bobProbe.sample({ gc: forceGc })]);
    samples.push({ at_s: at, phase, sent, alice: a, bob: b });
    const line = (s: MemorySample) =>
      `rss ${s.rss_mb.toFixed(1)} (anon ${s.anon_mb.toFixed(1)}, file ${s.file_mb.toFixed(1)}) heap ${s.heap.used_mb.toFixed(1)}/${s.heap.committed_mb.toFixed(1)}` +
      (s.after_gc ? ` | gc: anon ${s.after_gc.anon_mb.toFixed(1)} heap ${s.after_gc.heap_used_mb.toFixed(1)}` : '');
    console.log(`${String(Math.round(at)).padStart(5)} s ${phase.padEnd(5)} ${String(sent).padStart(7)}  alice ${line(a)}  ·  bob ${line(b)}`);
  };
  /** Samples every sampleSeconds until stopped; never overlaps itself. */
  const sampler = (() => {
    let stop = false;
    const done = (async () => {
      while (!stop) {
        const next = performance.now() + sampleSeconds * 1000;
        await takeSample();
        while (!stop && performance.now() < next) await sleep(Math.min(250, next - performance.now()));
      }
    })();
    return async () => {
      stop = true;
      await done;
    };
  })();

  // Idle figure: a started host with a session and a client, nothing sent yet.
  await sleep(3 * sampleSeconds * 1000);
  let latencies: number[] = [];
  const closeWindow = () => {
    latencyWindows.push({ at_s: round(elapsedS(), 0), sent, p50_ms: round(median(latencies), 2), p99_ms: round(percentile(latencies, 99), 2) });
    latencies = [];
  };
  let loadSeconds = 0;
  /** Sends `rate` messages a second for `streamMinutes`, then waits for the last of them. */
  const stream = async (streamMinutes: number) => {
    phase = 'load';
    const loadStart = performance.now();
    const end = loadStart + streamMinutes * 60_000;
    const interval = 1000 / rate;
    const inflight: Set<Promise<unknown>> = new Set();
    let windowEnd = loadStart + 30_000;
    let paced = 0;
    while (performance.now() < end) {
      const text = `soak #${sent}`;
      const t0 = performance.now();
      // Both promises get their handlers at once: a late arrival must not
      // become an unhandled rejection while the POST is still out.
      const job = Promise.all([alice.http.ok('POST', '/messages', { to: 'soak-bob', text }), bobEvents.arrival(text, ARRIVAL_TIMEOUT_MS)])
        .then(([, at]) => latencies.push(at - t0))
        .catch((err: unknown) => {
          failed += 1;
          if (failures.length < 5) failures.push(`${text}: ${err instanceof Error ? err.message : String(err)}`);
        })
        .finally(() => inflight.delete(job));
      inflight.add(job);
      sent += 1;
      if (performance.now() >= windowEnd) {
        closeWindow();
        windowEnd += 30_000;
      }
      // Paced against the clock, not the previous send: timers round down to
      // whole milliseconds. After a stall (a loaded machine) it resumes the rate
      // instead of bursting to catch up.
      const due = loadStart + paced * interval;
      paced = performance.now() - due > 1000 ? Math.floor((performance.now() - loadStart) / interval) : paced + 1;
      await sleep(Math.max(0, loadStart + paced * interval - performance.now()));
    }
    await Promise.all(inflight);
    if (latencies.length > 0) closeWindow();
    loadSeconds += (performance.now() - loadStart) / 1000;
  };

  await stream(warmupMinutes);
  if (pauseSeconds > 0) {
    phase = 'pause';
    await sleep(pauseSeconds * 1000);
  }
  const warmupEnd = elapsedS();
  await stream(minutes - warmupMinutes);
  // Every message must be in bob's history, including any that missed the arrival deadline.
  const stored = await eventually(async () => {
    const page = await bob.http.ok<MessagesResponse>('GET', '/messages?peer=soak-alice&limit=1');
    return page.total >= sent ? page.total : 0;
  }, ARRIVAL_TIMEOUT_MS, `all ${sent} messages in bob's history`).catch(async () => (await bob.http.ok<MessagesResponse>('GET', '/messages?peer=soak-alice&limit=1')).total);
  phase = 'rest';
  await sleep(idleSeconds * 1000);
  await sampler();
  aliceEvents.close();
  bobEvents.close();

  const hosts = {
    alice: summarizeHost(samples, 'alice', warmupEnd),
    bob: summarizeHost(samples, 'bob', warmupEnd),
  };
  const verdict = checkSoak(hosts, limits, { forcedGc: forceGc });
  const summary = {
    when: new Date().toISOString(),
    node: process.version,
    flags: bare ? 'bare' : 'native-host/node-flags.ts',
    minutes: round(minutes, 2),
    pause_seconds: pauseSeconds,
    rate_per_s: rate,
    achieved_rate_per_s: round(sent / loadSeconds, 1),
    sent,
    failed,
    failures,
    in_bob_history: stored,
    warmup_minutes: round(warmupMinutes, 2),
    forced_gc: forceGc,
    hosts,
    check: check ? { limits, failures: verdict } : undefined,
    latency: latencyWindows,
    samples,
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(summary, null, 2) + '\n');

  console.log(`\nsoak: ${sent} sent (${summary.achieved_rate_per_s}/s), ${failed} failed, ${round(minutes, 1)} min + ${pauseSeconds} s pause + ${idleSeconds} s idle, ${summary.flags}${forceGc ? ', forced GC per sample' : ''}`);
  for (const line of soakTable(hosts)) console.log(line);
  const first = latencyWindows[0];
  const last = latencyWindows.at(-1);
  if (first && last) console.log(`latency p50 ${first.p50_ms} → ${last.p50_ms} ms, p99 ${first.p99_ms} → ${last.p99_ms} ms`);
  console.log(`${path.relative(REPO_DIR, outFile)} written`);
  if (failed > 0 || stored !== sent) {
    console.error(`soak: ${failed} messages failed or arrived late (${failures.join('; ')}); bob's history holds ${stored} of ${sent}`);
    for (const host of [alice, bob]) console.error(`--- ${host === alice ? 'alice' : 'bob'} stderr (tail)\n${host.stderrTail.slice(-4000)}`);
    process.exitCode = 1;
  }
  if (check) {
    for (const failure of verdict) console.error(`soak check FAILED: ${failure}`);
    if (verdict.length > 0) process.exitCode = 1;
    else console.log(`soak check passed: kept within ${limits.anonMbPerMin} MB/min of load (anonymous RSS) and ${limits.heapMbPerMin} MB/min (live heap)`);
  }
} finally {
  for (const probe of probes) probe.close();
  await net.close();
}
