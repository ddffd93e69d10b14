import { describe, expect, it } from 'vitest';
import { DelayWindow, MIN_WINDOW_BYTES } from './delay-window.js';

const MiB = 1024 * 1024;

describe('DelayWindow', () => {
  it('grows to the ceiling while nothing queues', () => {
    const w = new DelayWindow(4 * MiB, 25);
    expect(w.bytes).toBe(MiB);
    for (let i = 0; i < 20; i++) w.sample(2);
    expect(w.bytes).toBe(4 * MiB);
  });

  it('settles where the queue it causes stays near the target on a slow link', () => {
    // A 10 MB/s link with a 20 ms round trip. The first ask finds the link empty; later
    // ones go out when a quarter of the window is free, behind the other three quarters.
    const rate = 10_000_000 / 1000;
    const w = new DelayWindow(4 * MiB, 25);
    w.sample(20);
    for (let i = 0; i < 200; i++) w.sample(20 + (0.75 * w.bytes) / rate);
    const queued = (0.75 * w.bytes) / rate;
    expect(queued).toBeGreaterThan(15);
    expect(queued).toBeLessThan(40);
  });

  it('never goes under the floor or over the ceiling', () => {
    const w = new DelayWindow(4 * MiB, 25);
    w.sample(1);
    for (let i = 0; i < 100; i++) w.sample(5000);
    expect(w.bytes).toBe(MIN_WINDOW_BYTES);
    const small = new DelayWindow(64 * 1024, 25);
    expect(small.bytes).toBe(64 * 1024);
  });
});
