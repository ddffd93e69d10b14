import type { Contact, HostEvent, PeerPath } from '../../../../shared/contract.js';
import type { EventClient } from '../../../../testkit/event-client.js';
import type { NatLab } from './nat-lab.js';
import type { NsHost } from './ns-host.js';
import type { Scenario } from './scenarios.js';
import { defined } from '../../../../shared/defined.js';

export interface BurstResult {
  sent: number;
  /** Answered 201 by alice's host. */
  accepted: number;
  /** Accepted messages in bob's history at the end. */
  received: number;
  /** Accepted but not in bob's history. */
  lost: number;
  /** new_message events for a burst message beyond its first, plus history rows beyond one per text. */
  duplicated: number;
  /** Burst messages alice's host shows delivered (confirmed by bob's host) at the end. */
  confirmed: number;
  /** alice's view of the session path over the burst, each change once. */
  paths: Array<PeerPath | 'none'>;
  transportSwitch: string | null;
  /**
   * From the switch's start until the session, having left the switch's
   * `endsOn` path (or never been on it), was on it again; null if that did
   * not happen during the burst or the minute after it.
   */
  backOnPathMs: number | null;
  routerRestart: boolean;
  /** From the last send until bob had every accepted message. */
  drainMs: number | null;
}

export interface ScenarioResult {
  name: string;
  expected: string;
  session: boolean;
  /** alice's view of the path when the session formed. */
  pathAtSession: PeerPath | null;
  /** The path after the samples went through (a relayed stream may have gone direct). */
  path: PeerPath | null;
  pathSeenByBob: PeerPath | null;
  timeToSessionMs: number | null;
  /**
   * From the same moment until both sides are on the scenario's expected
   * path (a punch through a NAT that randomises ports may take seconds, the
   * session being relayed meanwhile); null if not within 30 s.
   */
  timeToExpectedMs: number | null;
  dht: { alice: string; bob: string };
  /** Send (POST) to bob's new_message event. */
  arrival: { p50: number | null; p95: number | null; count: number };
  /** POST /messages answered after the friend's ack: a round trip through the path. */
  ackRoundTripP50: number | null;
  typingMs: number | null;
  burst: BurstResult;
}

export const BURST_SIZE = 200;
const BURST_INTERVAL_MS = 100;
const SAMPLES = 20;
const EXPECTED_PATH_MS = 30_000;
/** When, into the burst, the switch begins and ends, and router a restarts. */
const SWITCH_AT_MS = 3000;
const SWITCH_END_MS = 10_000;
const RESTART_AT_MS = 15_000;
const RESTART_DOWN_MS = 1500;
/**
 * How long after the burst the session may take to come back to its direct
 * path: a hyperdht node punching through a NAT that randomises ports tries
 * for up to ~35 s and then waits 20 s before the next such punch.
 */
const BACK_ON_PATH_MS = 90_000;

/** bob's events with the time each arrived here. */
class Arrivals {
  readonly at = new Map<string, number>();
  readonly count = new Map<string, number>();
  typingAt: number | null = null;
  private wake: Array<() => void> = [];

  constructor(client: EventClient) {
    client.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as HostEvent;
      if (frame.event === 'new_message') {
        if (!this.at.has(frame.data.msg_id)) this.at.set(frame.data.msg_id, Date.now());
        this.count.set(frame.data.msg_id, (this.count.get(frame.data.msg_id) ?? 0) + 1);
      } else if (frame.event === 'typing' && frame.data.typing && this.typingAt === null) {
        this.typingAt = Date.now();
      }
      for (const wake of this.wake.splice(0)) wake();
    });
  }

  /** Resolves true once `check()` holds, false after `timeoutMs`. */
  async until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return defined(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]);
}

async function pathOf(host: NsHost, friend: string): Promise<PeerPath | null> {
  const list: Contact[] = await host.api.friends().catch(() => []);
  return list.find((c) => c.username === friend)?.path ?? null;
}

/** Runs every measurement of one scenario on two started, not yet befriended hosts. */
export async function measure(scenario: Scenario, lab: NatLab, alice: NsHost, bob: NsHost): Promise<ScenarioResult> {
  const dht = { alice: (await alice.api.status()).network.dht, bob: (await bob.api.status()).network.dht };
  await alice.api.addFriend('bob');
  await bob.api.addFriend('alice');
  const added = Date.now();
  let timeToSessionMs: number | null = null;
  while (Date.now() - added < 15_000) {
    if ((await pathOf(alice, 'bob')) && (await pathOf(bob, 'alice'))) {
      timeToSessionMs = Date.now() - added;
      break;
    }
    await sleep(50);
  }
  const pathAtSession = await pathOf(alice, 'bob');
  let timeToExpectedMs: number | null = null;
  if (timeToSessionMs !== null) {
    while (Date.now() - added < EXPECTED_PATH_MS) {
      if ((await pathOf(alice, 'bob')) === scenario.expected && (await pathOf(bob, 'alice')) === scenario.expected) {
        timeToExpectedMs = Date.now() - added;
        break;
      }
      await sleep(50);
    }
  }

  const bobEvents = await bob.events();
  const aliceEvents = await alice.events();
  const arrivals = new Arrivals(bobEvents);
  try {
    const latencies: number[] = [];
    const acks: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const start = Date.now();
      const sent = await alice.api.send('bob', `sample ${i}`);
      if (sent.delivered) acks.push(Date.now() - start);
      if (await arrivals.until(() => arrivals.at.has(sent.msg_id), 15_000)) latencies.push(defined(arrivals.at.get(sent.msg_id)) - start);
      await sleep(50);
    }

    const path = await pathOf(alice, 'bob');
    const pathSeenByBob = await pathOf(bob, 'alice');
    const typingStart = Date.now();
    aliceEvents.send({ event: 'typing', data: { to: 'bob', typing: true } });
    const typed = await arrivals.until(() => arrivals.typingAt !== null, 3000);

    const burst = await runBurst(scenario, lab, alice, bob, arrivals);
    return {
      name: scenario.name,
      expected: scenario.expected,
      session: timeToSessionMs !== null,
      pathAtSession,
      path,
      pathSeenByBob,
      timeToSessionMs,
      timeToExpectedMs,
      dht,
      arrival: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), count: latencies.length },
      ackRoundTripP50: percentile(acks, 50),
      typingMs: typed ? defined(arrivals.typingAt) - typingStart : null,
      burst,
    };
  } finally {
    bobEvents.close();
    aliceEvents.close();
  }
}

/** Time from `since` until the path was `path` again after having been another (or from the start). */
function backOn(timeline: Array<{ at: number; path: PeerPath | 'none' }>, since: number, path: PeerPath): number | null {
  let left = (timeline.filter((e) => e.at <= since).at(-1)?.path ?? 'none') !== path;
  for (const entry of timeline.filter((e) => e.at > since)) {
    if (entry.path !== path) left = true;
    else if (left) return entry.at - since;
  }
  return null;
}

/**
 * 200 messages from alice at a steady 10 per second; meanwhile the
 * scenario's transport switch happens and router a restarts. Then waits for
 * every accepted message to reach bob, and counts what is missing or doubled.
 */
async function runBurst(scenario: Scenario, lab: NatLab, alice: NsHost, bob: NsHost, arrivals: Arrivals): Promise<BurstResult> {
  const timeline: Array<{ at: number; path: PeerPath | 'none' }> = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const now = (await pathOf(alice, 'bob')) ?? 'none';
      if (timeline.at(-1)?.path !== now) timeline.push({ at: Date.now(), path: now });
      await sleep(250);
    }
  })();

  const start = Date.now();
  const backOnPath = () => (scenario.transportSwitch ? backOn(timeline, start + SWITCH_AT_MS, scenario.transportSwitch.endsOn) : null);
  const events = [
    ...(scenario.transportSwitch
      ? [
          { at: SWITCH_AT_MS, run: () => defined(scenario.transportSwitch).begin(lab) },
          { at: SWITCH_END_MS, run: () => defined(scenario.transportSwitch).end(lab) },
        ]
      : []),
    { at: RESTART_AT_MS, run: () => lab.restartRouter('a', RESTART_DOWN_MS) },
  ];
  const disruptions = Promise.all(
    events.map(async (event) => {
      await sleep(event.at - (Date.now() - start));
      await event.run();
    }),
  );

  const sends: Array<Promise<string | null>> = [];
  for (let i = 0; i < BURST_SIZE; i++) {
    await sleep(start + i * BURST_INTERVAL_MS - Date.now());
    sends.push(alice.api.send('bob', `burst ${i}`).then((r) => r.msg_id, () => null));
  }
  const ids = (await Promise.all(sends)).filter((id): id is string => id !== null);
  const lastSend = Date.now();
  await disruptions;
  const drained = await arrivals.until(() => ids.every((id) => arrivals.at.has(id)), 90_000);
  const drainMs = drained ? Math.max(0, Math.max(...ids.map((id) => defined(arrivals.at.get(id)))) - lastSend) : null;
  // Late duplicates would show up now.
  await sleep(2000);
  const waitFrom = Date.now();
  while (scenario.transportSwitch && backOnPath() === null && Date.now() - waitFrom < BACK_ON_PATH_MS) await sleep(250);
  watching = false;
  await watcher;

  const history = await bob.api.messages('alice', { limit: 500 });
  const burstRows = history.messages.filter((m) => m.text.startsWith('burst '));
  const stored = new Set(burstRows.map((m) => m.msg_id));
  const received = ids.filter((id) => stored.has(id)).length;
  const distinctTexts = new Set(burstRows.map((m) => m.text)).size;
  const eventDuplicates = ids.reduce((sum, id) => sum + Math.max(0, (arrivals.count.get(id) ?? 0) - 1), 0);
  const sentView = await alice.api.messages('bob', { limit: 500 });
  const confirmed = sentView.messages.filter((m) => m.text.startsWith('burst ') && m.delivered).length;
  return {
    sent: BURST_SIZE,
    accepted: ids.length,
    received,
    lost: ids.length - received,
    duplicated: eventDuplicates + (burstRows.length - distinctTexts),
    confirmed,
    paths: timeline.map((entry) => entry.path),
    transportSwitch: scenario.transportSwitch?.label ?? null,
    backOnPathMs: backOnPath(),
    routerRestart: true,
    drainMs,
  };
}
