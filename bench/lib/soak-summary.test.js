import { describe, expect, it } from 'vitest';
import { checkSoak, SOAK_LIMITS, soakTable, summarizeHost } from './soak-summary.js';

/**
 * A run's readings every 10 s: 30 s idle, `loadS` of load, 60 s rest. `anon`
 * and `heap` give the post-GC figures at a time; raw RSS adds a sawtooth.
 * @param {{ loadS: number, anon: (t: number) => number, heap: (t: number) => number }} shape
 */
function run(shape) {
  const samples = [];
  for (let t = 0; t <= 30 + shape.loadS + 60; t += 10) {
    const phase = t < 30 ? 'idle' : t <= 30 + shape.loadS ? 'load' : 'rest';
    const saw = phase === 'load' ? (t % 40) / 10 : 0;
    const host = () => ({
      rss_mb: 47 + shape.anon(t) + saw,
      anon_mb: shape.anon(t) + saw,
      file_mb: 47,
      threads: 11,
      heap: { committed_mb: shape.heap(t) + 2 + saw, used_mb: shape.heap(t) + saw, external_mb: 6, array_buffers_mb: 0.2, malloced_mb: 0.3, spaces_mb: {} },
      after_gc: { rss_mb: 47 + shape.anon(t), anon_mb: shape.anon(t), file_mb: 47, threads: 11, heap_used_mb: shape.heap(t), external_mb: 6 },
    });
    samples.push({ at_s: t, phase, sent: Math.max(0, t - 30) * 100, alice: host(), bob: host() });
  }
  return samples;
}

const flat = { loadS: 180, anon: (/** @type {number} */ t) => (t < 60 ? 15 + t / 10 : 21), heap: () => 9 };
// A map keeping every message: ~300 bytes x 100 msg/s = 1.7 MB/min of live
// heap while the stream runs (it ends at 210 s), kept afterwards.
const leaked = (/** @type {number} */ t) => (1.7 * Math.min(t, 210)) / 60;
const leak = { ...flat, anon: (/** @type {number} */ t) => flat.anon(t) + leaked(t), heap: (/** @type {number} */ t) => 9 + leaked(t) };
// Alice in a Node 24 CI run: the live heap stepped between 14.0 and 14.9 MB
// under load, more often high late in the stream, and was 14.0 again at rest.
const steps = { ...flat, heap: (/** @type {number} */ t) => (t > 30 && t <= 210 && [120, 140, 150, 180, 190, 200, 210].includes(t) ? 14.9 : 14.0) };

describe('soak summary', () => {
  it('reports the landmarks and growth against the idle figure', () => {
    const h = summarizeHost(run(flat), 'alice', 90);
    expect(h.idle?.rss_mb).toBe(47 + 17);
    expect(h.end_of_load?.at_s).toBe(210);
    expect(h.after_idle?.at_s).toBe(270);
    expect(h.after_warmup?.at_s).toBe(90);
    expect(h.rss_growth_mb.after_idle).toBe(4);
    expect(h.readings_after_warmup).toBe(13);
  });

  it('passes a host whose memory is flat after warm-up, sawtooth and all', () => {
    const hosts = { alice: summarizeHost(run(flat), 'alice', 90), bob: summarizeHost(run(flat), 'bob', 90) };
    expect(hosts.alice.slope_mb_per_min.anon_after_gc).toBeCloseTo(0, 6);
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: true })).toEqual([]);
  });

  it('fails a leaking host on both the anonymous RSS and the live heap', () => {
    const hosts = { alice: summarizeHost(run(leak), 'alice', 90), bob: summarizeHost(run(flat), 'bob', 90) };
    expect(hosts.alice.slope_mb_per_min.heap_used_after_gc).toBeCloseTo(1.7, 6);
    expect(hosts.alice.kept_mb_per_min.heap_used_after_gc).toBeCloseTo(1.7, 6);
    const failures = checkSoak(hosts, SOAK_LIMITS, { forcedGc: true });
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^alice: anonymous RSS kept 1\.7 MB\/min/);
    expect(failures[1]).toMatch(/^alice: live V8 heap kept 1\.7 MB\/min/);
  });

  it('passes a heap that steps between two levels under load and comes back down at rest', () => {
    const hosts = { alice: summarizeHost(run(steps), 'alice', 90) };
    // Fitted over the stream alone it would look like a leak.
    expect(hosts.alice.slope_mb_per_min.heap_used_after_gc).toBeGreaterThan(SOAK_LIMITS.heapSlopeMbPerMin);
    expect(hosts.alice.kept_mb_per_min.heap_used_after_gc).toBeCloseTo(0, 6);
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: true })).toEqual([]);
  });

  it('fails a heap that steps up under load and stays up', () => {
    const stuck = { ...flat, heap: (/** @type {number} */ t) => (t >= 150 ? 10 : 9) };
    const failures = checkSoak({ alice: summarizeHost(run(stuck), 'alice', 90) }, SOAK_LIMITS, { forcedGc: true });
    expect(failures).toEqual([expect.stringMatching(/^alice: live V8 heap kept 0\.5 MB\/min/)]);
  });

  it('judges raw slopes when no GC was forced', () => {
    const hosts = { alice: summarizeHost(run(leak), 'alice', 90) };
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: false })).toEqual([
      expect.stringMatching(/^alice: anonymous RSS grows /),
      expect.stringMatching(/^alice: live V8 heap grows /),
    ]);
  });

  it('refuses to judge a run with too few readings after warm-up', () => {
    const hosts = { alice: summarizeHost(run({ ...flat, loadS: 40 }), 'alice', 60) };
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: true })[0]).toMatch(/readings after warm-up/);
  });

  it('refuses to judge what a host kept without readings at rest', () => {
    const samples = run(flat).filter((s) => s.phase !== 'rest' || s.at_s === 220);
    expect(checkSoak({ alice: summarizeHost(samples, 'alice', 90) }, SOAK_LIMITS, { forcedGc: true })).toEqual([
      expect.stringMatching(/^alice: 1 readings at rest, at least 2 needed/),
    ]);
  });

  it('prints one row per landmark, the slopes, and the post-GC figures when there are any', () => {
    const lines = soakTable({ alice: summarizeHost(run(flat), 'alice', 90), bob: summarizeHost(run(leak), 'bob', 90) });
    expect(lines[0]).toMatch(/alice RSS .* bob RSS/);
    expect(lines.map((l) => l.split('  ')[0].trim())).toEqual([
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
