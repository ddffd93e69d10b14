import { describe, expect, it } from 'vitest';
import { checkSoak, SOAK_LIMITS, soakTable, summarizeHost } from './soak-summary.js';

/**
 * A run's readings every 10 s: 30 s idle, a 70 s warm-up stream, a pause
 * (readings at 100–120 s), `loadS` more of the stream, 60 s rest. `anon` and
 * `heap` give the post-GC figures at a time; raw RSS adds a sawtooth under load.
 */
function run(shape: { loadS: number; anon: (t: number) => number; heap: (t: number) => number }) {
  const samples = [];
  for (let t = 0; t <= PAUSE_END + shape.loadS + 60; t += 10) {
    const phase = t < 30 ? 'idle' : t < 100 ? 'load' : t <= PAUSE_END ? 'pause' : t <= PAUSE_END + shape.loadS ? 'load' : 'rest';
    const saw = phase === 'load' ? (t % 40) / 10 : 0;
    const host = () => ({
      rss_mb: 47 + shape.anon(t) + saw,
      anon_mb: shape.anon(t) + saw,
      file_mb: 47,
      threads: 11,
      heap: { committed_mb: shape.heap(t) + 2 + saw, used_mb: shape.heap(t) + saw, external_mb: 6, array_buffers_mb: 0.2, malloced_mb: 0.3, spaces_mb: {} },
      after_gc: { rss_mb: 47 + shape.anon(t), anon_mb: shape.anon(t), file_mb: 47, threads: 11, heap_used_mb: shape.heap(t), external_mb: 6 },
    });
    samples.push({ at_s: t, phase, sent: loadSecondsUntil(t, shape.loadS) * 100, alice: host(), bob: host() });
  }
  return samples;
}

const PAUSE_END = 120;
/** Where the stream after the pause starts: what `summarizeHost` calls the end of warm-up. */
const WARM = 125;

/** Seconds of streaming up to `t`: 30–100 s, then after the pause. */
function loadSecondsUntil(t: number, loadS: number) {
  const clamp = (x: number, max: number) => Math.min(Math.max(x, 0), max);
  return clamp(t - 30, 70) + clamp(t - PAUSE_END, loadS);
}

const flat = { loadS: 180, anon: (t: number) => (t < 60 ? 15 + t / 10 : 21), heap: () => 9 };
// A map keeping every message: ~300 bytes x 100 msg/s = 1.7 MB/min of live
// heap while the stream runs, kept afterwards.
const leaked = (t: number) => (1.7 * loadSecondsUntil(t, flat.loadS)) / 60;
const leak = { ...flat, anon: (t: number) => flat.anon(t) + leaked(t), heap: (t: number) => 9 + leaked(t) };
// The 180 s it streamed between the last reading in the pause and the first at rest, 190 s apart.
const LEAK_KEPT = (1.7 * 180) / 190;
// Alice in a Node 24 CI run: the live heap stepped between 14.0 and 14.9 MB
// under load, more often high late in the stream, and was 14.0 again at rest.
const steps = { ...flat, heap: (t: number) => ([140, 200, 230, 240, 270, 280, 290, 300].includes(t) ? 14.9 : 14.0) };

describe('soak summary', () => {
  it('reports the landmarks and growth against the idle figure', () => {
    const h = summarizeHost(run(flat), 'alice', WARM);
    expect(h.idle?.rss_mb).toBe(47 + 17);
    expect(h.end_of_load?.at_s).toBe(300);
    expect(h.after_idle?.at_s).toBe(360);
    expect(h.after_warmup?.at_s).toBe(130);
    expect(h.rss_growth_mb.after_idle).toBe(4);
    expect(h.readings_after_warmup).toBe(18);
    expect([h.readings_in_pause, h.readings_at_rest]).toEqual([3, 6]);
  });

  it('passes a host whose memory is flat after warm-up, sawtooth and all', () => {
    const hosts = { alice: summarizeHost(run(flat), 'alice', WARM), bob: summarizeHost(run(flat), 'bob', WARM) };
    expect(hosts.alice.slope_mb_per_min.anon_after_gc).toBeCloseTo(0, 6);
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: true })).toEqual([]);
  });

  it('fails a leaking host on both the anonymous RSS and the live heap', () => {
    const hosts = { alice: summarizeHost(run(leak), 'alice', WARM), bob: summarizeHost(run(flat), 'bob', WARM) };
    expect(hosts.alice.slope_mb_per_min.heap_used_after_gc).toBeCloseTo(1.7, 6);
    expect(hosts.alice.kept_mb_per_min.heap_used_after_gc).toBeCloseTo(LEAK_KEPT, 4);
    const failures = checkSoak(hosts, SOAK_LIMITS, { forcedGc: true });
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^alice: anonymous RSS kept 1\.61\d* MB\/min/);
    expect(failures[1]).toMatch(/^alice: live V8 heap kept 1\.61\d* MB\/min/);
  });

  it('passes a heap that steps between two levels under load and comes back down at rest', () => {
    const hosts = { alice: summarizeHost(run(steps), 'alice', WARM) };
    // Fitted over the stream alone it would look like a leak.
    expect(hosts.alice.slope_mb_per_min.heap_used_after_gc).toBeGreaterThan(SOAK_LIMITS.heapMbPerMin);
    expect(hosts.alice.kept_mb_per_min.heap_used_after_gc).toBe(0);
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: true })).toEqual([]);
  });

  it('fails a heap that grows in steps under load and keeps them', () => {
    // 0.5 MB every 40 s of streaming: 2.5 MB between the pause and the rest, 190 s apart.
    const stairs = { ...flat, heap: (t: number) => 9 + 0.5 * Math.floor(loadSecondsUntil(t, flat.loadS) / 40) };
    const failures = checkSoak({ alice: summarizeHost(run(stairs), 'alice', WARM) }, SOAK_LIMITS, { forcedGc: true });
    expect(failures).toEqual([expect.stringMatching(/^alice: live V8 heap kept 0\.7895 MB\/min/)]);
  });

  it('judges raw slopes when no GC was forced', () => {
    const hosts = { alice: summarizeHost(run(leak), 'alice', WARM) };
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: false })).toEqual([
      expect.stringMatching(/^alice: anonymous RSS grows /),
      expect.stringMatching(/^alice: live V8 heap grows /),
    ]);
  });

  it('refuses to judge a run with too few readings after warm-up', () => {
    const hosts = { alice: summarizeHost(run({ ...flat, loadS: 30 }), 'alice', WARM) };
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: true })[0]).toMatch(/readings after warm-up/);
  });

  it('refuses to judge what a host kept without readings in a pause and at rest', () => {
    const samples = run(flat).filter((s) => s.phase !== 'pause' || s.at_s === PAUSE_END);
    expect(checkSoak({ alice: summarizeHost(samples, 'alice', WARM) }, SOAK_LIMITS, { forcedGc: true })).toEqual([
      expect.stringMatching(/^alice: 1 readings in the pause and 6 at rest, at least 2 of each needed/),
    ]);
  });

  it('prints one row per landmark, the slopes, and the post-GC figures when there are any', () => {
    const lines = soakTable({ alice: summarizeHost(run(flat), 'alice', WARM), bob: summarizeHost(run(leak), 'bob', WARM) });
    expect(lines[0]).toMatch(/alice RSS .* bob RSS/);
    expect(lines.map((l) => (l.split('  ')[0] ?? '').trim())).toEqual([
      '',
      'idle',
      'after warm-up',
      'peak (RSS)',
      'end of load',
      'after idle',
      'slope after warm-up, MB/min',
      'after forced GC, MB/min',
      'kept at rest, MB/min',
    ]);
    expect(lines.at(-2)).toContain('+1.700');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});
