import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay } from './backoff.js';

describe('backoff', () => {
  it('follows 3 s × 1.5^n', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n))).toEqual([3000, 4500, 6750, 10125]);
  });

  it('caps a single delay and gives up after maxAttempts', () => {
    expect(backoffDelay(20, { maxAttempts: 30, maxDelayMs: 60_000 })).toBe(60_000);
    const b = new Backoff({ maxAttempts: 3 });
    expect([b.next(), b.next(), b.next(), b.next()]).toEqual([3000, 4500, 6750, null]);
    expect(b.attempts).toBe(3);
  });

  it('starts over after reset', () => {
    const b = new Backoff();
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(3000);
  });

  it('rejects nonsense attempts', () => {
    expect(() => backoffDelay(-1)).toThrow(RangeError);
  });
});
