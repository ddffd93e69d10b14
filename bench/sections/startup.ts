/**
 * Start-up (spawn → host.json) and memory (VmRSS idle, and with 1,000
 * friends and 10 live peer sessions).
 */
import path from 'node:path';
import type { Contact, StatusResponse } from '../../shared/contract.js';
import { eventually } from '../../testkit/eventually.js';
import { builtPath } from '../../testkit/repo.js';
import type { HostOptions, Testnet } from '../../testkit/testnet.js';
import { generateFriends } from '../lib/generate.js';
import { target, type Report } from '../lib/report.js';
import { median, sleep } from '../lib/stats.js';

const BARE_START = builtPath('bench/floor/bare-start.ts');
const LIVE_FRIENDS = 10;
const FRIENDS = 1000;

/**
 * Spawns, times host.json, optionally waits and reads RSS, stops.
 * @param settleMs when given, RSS after this long idle
 */
async function timedStart(net: Testnet, options: HostOptions, settleMs?: number) {
  const host = net.spawn(options);
  const ms = await host.ready();
  let rss = NaN;
  if (settleMs !== undefined) {
    await sleep(settleMs);
    rss = host.rssMb();
  }
  await host.stop();
  return { ms, rss };
}

export async function runStartup(net: Testnet, report: Report, options: { quick: boolean }) {
  const cfg = options.quick ? { reps: 3, settleMs: 500, readings: 3, requests: 10 } : { reps: 7, settleMs: 3000, readings: 5, requests: 50 };

  // A set-up profile with one friend, to restart again and again.
  const [profile, friend] = await Promise.all([net.start({ username: 'boot-owner' }), net.start({ username: 'boot-friend' })]);
  await profile.http.ok('POST', '/friends', { username: 'boot-friend' });
  await Promise.all([profile.stop(), friend.stop()]);

  // One untimed start of each kind: the page cache, not the host, is cold after a build.
  await timedStart(net, { entry: BARE_START });
  await timedStart(net, { dataDir: profile.dataDir, username: 'boot-owner' });

  const bare: number[] = [];
  const fresh: number[] = [];
  const existing: number[] = [];
  const rss: number[] = [];
  for (let r = 0; r < cfg.reps; r++) {
    bare.push((await timedStart(net, { entry: BARE_START })).ms);
    fresh.push((await timedStart(net, { dataDir: net.newDataDir('fresh') })).ms);
    const run = await timedStart(net, { dataDir: profile.dataDir, username: 'boot-owner' }, cfg.settleMs);
    existing.push(run.ms);
    rss.push(run.rss);
  }
  const note = `spawn → host.json, median of ${cfg.reps}`;
  report.add('startup', 'bare_node_ms', 'bare node start → file (floor)', median(bare), 'ms', undefined, note);
  report.add('startup', 'fresh_ms', 'cold start, new data dir', median(fresh), 'ms', target('<', 250, '< 250 ms'), note);
  report.add('startup', 'existing_ms', 'cold start, existing profile', median(existing), 'ms', target('<', 250, '< 250 ms'), note);
  report.add('startup', 'existing_ratio', 'existing-profile start / bare node', median(existing.map((ms, i) => ms / (bare[i] ?? NaN))), '×', undefined, 'informational');
  report.add('memory', 'idle_rss', 'RSS idle', median(rss), 'MB', target('<', 60, '< 60 MB'), `after ${cfg.settleMs / 1000} s idle, median of ${cfg.reps}`);

  const loaded = await loadedHub(net, cfg);
  report.add('memory', 'loaded_rss', `RSS, ${FRIENDS} friends + ${LIVE_FRIENDS} live sessions`, loaded.rss, 'MB', undefined, `median of ${cfg.readings} readings 200 ms apart`);
  report.add('memory', 'friends_list_p50', `GET /friends with ${FRIENDS} friends p50`, loaded.friendsMs, 'ms', undefined, 'informational');
  report.add('memory', 'status_p50', `GET /status with ${FRIENDS} friends p50`, loaded.statusMs, 'ms', undefined, 'informational');
  report.detail('startup', { config: cfg, bare_ms: bare, fresh_ms: fresh, existing_ms: existing, idle_rss_mb: rss, loaded });
}

/**
 * A host with FRIENDS friends, LIVE_FRIENDS of them real hosts with live sessions.
 */
async function loadedHub(net: Testnet, cfg: { settleMs: number; readings: number; requests: number }) {
  const first = await net.start({ username: 'hub' });
  await first.stop();
  generateFriends(path.join(first.dataDir, 'parley.db'), 'ghost', FRIENDS - LIVE_FRIENDS);
  const hub = await net.start({ username: 'hub', dataDir: first.dataDir });
  try {
    const names = Array.from({ length: LIVE_FRIENDS }, (_, i) => `live${String(i).padStart(2, '0')}`);
    const friends = await Promise.all(names.map((username) => net.start({ username })));
    await Promise.all(friends.map((f) => net.befriend(f, hub)));
    await eventually(async () => (await hub.http.ok<StatusResponse>('GET', '/status')).peer_count === LIVE_FRIENDS, 20_000, 'all hub sessions');
    const listed = (await hub.http.ok<Contact[]>('GET', '/friends')).length;
    if (listed !== FRIENDS) throw new Error(`hub has ${listed} friends, not ${FRIENDS}`);
    await sleep(cfg.settleMs);
    const readings: number[] = [];
    for (let i = 0; i < cfg.readings; i++) {
      readings.push(hub.rssMb());
      await sleep(200);
    }
    const time = async (p: string) => {
      const samples: number[] = [];
      for (let i = 0; i < cfg.requests; i++) {
        const at = performance.now();
        await hub.http.ok('GET', p);
        samples.push(performance.now() - at);
      }
      return median(samples);
    };
    const friendsMs = await time('/friends');
    const statusMs = await time('/status');
    await Promise.all(friends.map((f) => f.stop()));
    return { rss: median(readings), readings, friendsMs, statusMs };
  } finally {
    await hub.stop();
  }
}
