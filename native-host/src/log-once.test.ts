import { describe, expect, it } from 'vitest';
import { LogOnce } from './log-once.js';

describe('LogOnce', () => {
  it('logs a key once per interval', () => {
    const once = new LogOnce(1000);
    expect(once.shouldLog('a', 0)).toBe(true);
    expect(once.shouldLog('a', 10)).toBe(false);
    expect(once.shouldLog('b', 10)).toBe(true);
    expect(once.shouldLog('a', 999)).toBe(false);
    expect(once.shouldLog('a', 1000)).toBe(true);
    expect(once.shouldLog('a', 1500)).toBe(false);
  });

  it('forgets the oldest keys beyond its capacity', () => {
    const once = new LogOnce(1000, 2);
    once.shouldLog('a', 0);
    once.shouldLog('b', 0);
    once.shouldLog('c', 0);
    expect(once.shouldLog('b', 1)).toBe(false);
    expect(once.shouldLog('a', 1)).toBe(true);
  });

  it('says how many refusals each line stands for', () => {
    const once = new LogOnce(1000);
    expect(once.count('a', 0)).toBe(1);
    expect(once.count('a', 10)).toBeNull();
    expect(once.count('a', 20)).toBeNull();
    expect(once.count('b', 30)).toBe(1);
    expect(once.count('a', 1000)).toBe(3);
    expect(once.count('a', 2500)).toBe(1);
  });
});
