import { round, slope } from './stats.js';
import type { MemorySample } from './memory-probe.js';

/**
 * What `npm run soak -- --check` allows a host to keep, in MB per minute of
 * steady traffic at 100 messages/s after warm-up: what it holds after a
 * forced full GC once the stream has stopped, over what it held in a pause
 * after warm-up. Healthy 3-minute runs kept at most 0.29 (anonymous) and
 * 0.12 (heap); the smallest leak tried (a Set keeping every msg_id, ~90
 * bytes a message) kept 0.48–0.66 on both (bench/README.md, "The soak
 * check").
 */
export const SOAK_LIMITS = Object.freeze({
  /**
   * Anonymous RSS: catches native growth (SQLite, buffers, malloc). Looser
   * than the heap's: on Node 24 glibc's main arena keeps growing for the
   * first ten minutes of a stream and a healthy host kept 0.29; SQLite's
   * old 16 MB cache grew 1.5–1.7.
   */
  anonMbPerMin: 0.75,
  /** Live V8 heap: catches JavaScript leaks with less noise. */
  heapMbPerMin: 0.25,
});

/** Fewer readings than this after warm-up make no figure worth checking. */
const MIN_POINTS = 5;
/** Readings in the pause after warm-up and at rest after the stream, each. */
const MIN_QUIET_POINTS = 2;

/** One reading of both hosts. */
export interface SoakSample {
  at_s: number;
  phase: string;
  sent: number;
  alice: MemorySample;
  bob: MemorySample;
}

/** One host's memory at a landmark of the run. */
export interface Point {
  at_s: number;
  sent: number;
  rss_mb: number;
  anon_mb: number;
  file_mb: number;
  heap_used_mb: number;
  heap_committed_mb: number;
}

export type HostSummary = ReturnType<typeof summarizeHost>;

/**
 * One host's figures from the soak's readings: memory at the landmarks of
 * the run and growth slopes over the readings after `warmupEndS`.
 * @param warmupEndS seconds since the first reading's clock started
 */
export function summarizeHost(samples: SoakSample[], host: 'alice' | 'bob', warmupEndS: number) {
  const point = (s: SoakSample | undefined): Point | null =>
    s
      ? {
          at_s: s.at_s,
          sent: s.sent,
          rss_mb: s[host].rss_mb,
          anon_mb: s[host].anon_mb,
          file_mb: s[host].file_mb,
          heap_used_mb: s[host].heap.used_mb,
          heap_committed_mb: s[host].heap.committed_mb,
        }
      : null;
  const load = samples.filter((s) => s.phase === 'load');
  const pause = samples.filter((s) => s.phase === 'pause');
  const rest = samples.filter((s) => s.phase === 'rest');
  const steady = load.filter((s) => s.at_s >= warmupEndS);
  const idle = point(samples.filter((s) => s.phase === 'idle').at(-1));
  const endOfLoad = point(load.at(-1));
  const afterIdle = point(rest.at(-1));
  const busy = [...load, ...rest];
  const peak = point(busy.reduce((max, s) => (max && max[host].rss_mb >= s[host].rss_mb ? max : s), undefined as SoakSample | undefined));
  const fit = (pick: (s: MemorySample) => number | undefined) => {
    const points = steady.flatMap((s) => {
      const y = pick(s[host]);
      return y === undefined ? [] : [[s.at_s / 60, y] as [number, number]];
    });
    return points.length >= 2 ? round(slope(points), 4) : undefined;
  };
  /**
   * What the host kept, per minute of load: the lowest post-GC figure at
   * rest after the stream over the lowest in the pause after warm-up,
   * divided by the minutes of load between them. Both are read with no
   * message in flight: a leak keeps what it took, while a heap that steps
   * between two levels under load (buffers in use, V8's page bookkeeping)
   * or holds the stream's in-flight work comes back down.
   */
  const kept = (pick: (s: MemorySample) => number | undefined) => {
    const lowest = (list: SoakSample[]) => Math.min(...list.map((s) => pick(s[host]) ?? Infinity));
    const pauseEnd = pause.at(-1);
    const restStart = rest[0];
    if (!pauseEnd || !restStart) return undefined;
    const minutes = (restStart.at_s - pauseEnd.at_s) / 60;
    const [before, after] = [lowest(pause), lowest(rest)];
    return minutes > 0 && Number.isFinite(before) && Number.isFinite(after) ? round((after - before) / minutes, 4) : undefined;
  };
  const growth = (p: Point | null) => (p && idle ? round(p.rss_mb - idle.rss_mb, 1) : undefined);
  return {
    idle,
    after_warmup: point(steady[0]),
    peak,
    end_of_load: endOfLoad,
    after_idle: afterIdle,
    rss_growth_mb: { end_of_load: growth(endOfLoad), peak: growth(peak), after_idle: growth(afterIdle) },
    readings_after_warmup: steady.length,
    readings_in_pause: pause.length,
    readings_at_rest: rest.length,
    slope_mb_per_min: {
      rss: fit((m) => m.rss_mb),
      anon: fit((m) => m.anon_mb),
      file: fit((m) => m.file_mb),
      heap_used: fit((m) => m.heap.used_mb),
      heap_committed: fit((m) => m.heap.committed_mb),
      anon_after_gc: fit((m) => m.after_gc?.anon_mb),
      heap_used_after_gc: fit((m) => m.after_gc?.heap_used_mb),
    },
    kept_mb_per_min: {
      anon_after_gc: kept((m) => m.after_gc?.anon_mb),
      heap_used_after_gc: kept((m) => m.after_gc?.heap_used_mb),
    },
  };
}

/**
 * The check: neither anonymous RSS nor the live heap may grow faster than
 * the limits after warm-up. With forced GCs it judges what the host kept
 * (post-GC at rest over post-GC in the pause, see `kept`): a slope
 * fitted over the stream's post-GC readings also counts a heap that steps
 * between two levels under load, which 3 minutes cannot tell from a leak
 * (a 0.9 MB step half-way through fits as 0.45 MB/min). Without forced GCs
 * it fits the raw readings, where V8's collection cycles add noise.
 * Returns what failed.
 */
export function checkSoak(hosts: Record<string, HostSummary>, limits: { anonMbPerMin: number; heapMbPerMin: number }, options: { forcedGc: boolean }): string[] {
  const failures: string[] = [];
  for (const [name, h] of Object.entries(hosts)) {
    if (h.readings_after_warmup < MIN_POINTS) {
      failures.push(`${name}: ${h.readings_after_warmup} readings after warm-up, at least ${MIN_POINTS} needed (run longer or sample more often)`);
      continue;
    }
    if (options.forcedGc && Math.min(h.readings_in_pause, h.readings_at_rest) < MIN_QUIET_POINTS) {
      failures.push(
        `${name}: ${h.readings_in_pause} readings in the pause and ${h.readings_at_rest} at rest, at least ${MIN_QUIET_POINTS} of each needed (give --pause-seconds and --idle-seconds)`,
      );
      continue;
    }
    const [anon, heap] = options.forcedGc
      ? [h.kept_mb_per_min.anon_after_gc, h.kept_mb_per_min.heap_used_after_gc]
      : [h.slope_mb_per_min.anon, h.slope_mb_per_min.heap_used];
    const how = options.forcedGc ? 'kept' : 'grows';
    if (anon === undefined || anon > limits.anonMbPerMin) {
      failures.push(`${name}: anonymous RSS ${how} ${anon} MB/min after warm-up (limit ${limits.anonMbPerMin})`);
    }
    if (heap === undefined || heap > limits.heapMbPerMin) {
      failures.push(`${name}: live V8 heap ${how} ${heap} MB/min after warm-up (limit ${limits.heapMbPerMin})`);
    }
  }
  return failures;
}

/**
 * The summaries as a text table, one line per landmark, then the slopes.
 */
export function soakTable(hosts: Record<string, HostSummary>): string[] {
  const summaries = Object.values(hosts);
  const rows = [['', ...Object.keys(hosts).flatMap((name) => [`${name} RSS`, 'anon', 'file', 'heap used/committed'])]];
  const landmarks: Array<[string, (h: HostSummary) => Point | null]> = [
    ['idle', (h) => h.idle],
    ['after warm-up', (h) => h.after_warmup],
    ['peak (RSS)', (h) => h.peak],
    ['end of load', (h) => h.end_of_load],
    ['after idle', (h) => h.after_idle],
  ];
  for (const [label, pick] of landmarks) {
    rows.push([
      label,
      ...summaries.flatMap((h) => {
        const p = pick(h);
        return p ? [p.rss_mb.toFixed(1), p.anon_mb.toFixed(1), p.file_mb.toFixed(1), `${p.heap_used_mb.toFixed(1)}/${p.heap_committed_mb.toFixed(1)}`] : ['–', '–', '–', '–'];
      }),
    ]);
  }
  rows.push(['slope after warm-up, MB/min', ...summaries.flatMap(({ slope_mb_per_min: s }) => [signed(s.rss), signed(s.anon), signed(s.file), signed(s.heap_used)])]);
  if (summaries.some((h) => h.slope_mb_per_min.anon_after_gc !== undefined)) {
    rows.push(['after forced GC, MB/min', ...summaries.flatMap(({ slope_mb_per_min: s }) => ['', signed(s.anon_after_gc), '', signed(s.heap_used_after_gc)])]);
  }
  if (summaries.some((h) => h.kept_mb_per_min.heap_used_after_gc !== undefined)) {
    rows.push(['kept at rest, MB/min', ...summaries.flatMap(({ kept_mb_per_min: k }) => ['', signed(k.anon_after_gc), '', signed(k.heap_used_after_gc)])]);
  }
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => String(r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '));
}

function signed(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : (value >= 0 ? '+' : '') + value.toFixed(3);
}
