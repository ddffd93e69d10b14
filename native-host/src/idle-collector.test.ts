import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import v8 from 'node:v8';
import { collectGarbage, startIdleCollector } from './idle-collector.js';

describe('startIdleCollector', () => {
  let cpu: number;
  let collections: number;
  let stop: () => void;
  const start = (quietMs = 20_000) => {
    stop = startIdleCollector({
      quietMs,
      collect: async () => {
        collections++;
      },
      cpuMicros: () => cpu,
    });
  };
  /** Advances the clock by `ms`, the process using `share` of a core meanwhile, one tick at a time. */
  const run = (ms: number, share: number) => {
    for (let t = 0; t < ms; t += 1000) {
      cpu += 1000 * 1000 * share;
      vi.advanceTimersByTime(1000);
    }
  };

  beforeEach(() => {
    vi.useFakeTimers();
    cpu = 0;
    collections = 0;
  });
  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('collects once after start-up, when the host has been quiet for the whole period', () => {
    start();
    run(15_000, 0.001);
    expect(collections).toBe(0);
    run(10_000, 0.001);
    expect(collections).toBe(1);
    run(120_000, 0.001);
    expect(collections).toBe(1);
  });

  it('collects again once a busy spell is over, not while it lasts', () => {
    start();
    run(25_000, 0);
    run(60_000, 0.3);
    expect(collections).toBe(1);
    run(10_000, 0);
    expect(collections).toBe(1);
    run(15_000, 0);
    expect(collections).toBe(2);
  });

  it('treats a trickle of timers as quiet', () => {
    start();
    run(25_000, 0.005);
    expect(collections).toBe(1);
  });

  it('stops and says so when collecting fails', async () => {
    const errors: Error[] = [];
    stop = startIdleCollector({ quietMs: 4000, cpuMicros: () => cpu, collect: () => Promise.reject(new Error('no inspector')), onError: (err) => errors.push(err) });
    run(5000, 0);
    await vi.waitFor(() => expect(errors.map((e) => e.message)).toEqual(['no inspector']));
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('collectGarbage', () => {
  it('compacts: a fragmented heap hands its pages back', async () => {
    // Every 20th object survives, scattered over pages a plain collection keeps.
    const kept: object[] = [];
    let junk: object[] = [];
    for (let i = 0; i < 400_000; i++) {
      const o = { i, s: `x${i}` };
      if (i % 20 === 0) kept.push(o);
      else junk.push(o);
      if (junk.length > 50_000) junk = [];
    }
    junk = [];
    const before = v8.getHeapStatistics().total_physical_size;
    await collectGarbage();
    const after = v8.getHeapStatistics().total_physical_size;
    expect(kept).toHaveLength(20_000);
    expect(before - after).toBeGreaterThan(5 * 1024 * 1024);
  });
});
