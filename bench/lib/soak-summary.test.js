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
// A map keeping every message: ~300 bytes x 100 msg/s = 1.7 MB/min of live heap.
const leak = { ...flat, anon: (/** @type {number} */ t) => flat.anon(t) + (1.7 * t) / 60, heap: (/** @type {number} */ t) => 9 + (1.7 * t) / 60 };

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
    const failures = checkSoak(hosts, SOAK_LIMITS, { forcedGc: true });
    expect(failures).toHaveLength(2);
    expect(failures[0]).toMatch(/^alice: anonymous RSS grows 1\.7 MB\/min/);
    expect(failures[1]).toMatch(/^alice: live V8 heap grows 1\.7 MB\/min/);
  });

  it('refuses to judge a run with too few readings after warm-up', () => {
    const hosts = { alice: summarizeHost(run({ ...flat, loadS: 40 }), 'alice', 60) };
    expect(checkSoak(hosts, SOAK_LIMITS, { forcedGc: true })[0]).toMatch(/readings after warm-up/);
  });

  it('prints one row per landmark, the slopes, and the post-GC slopes when there are any', () => {
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
    ]);
    expect(lines.at(-1)).toContain('+1.700');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});
