import { describe, expect, it } from 'vitest';
import { dayKey, formatDay, formatLastSeen } from './format-time.js';

describe('format-time', () => {
  const now = new Date(2026, 5, 15, 12, 0, 0).getTime();

  it('names today and yesterday', () => {
    expect(formatDay(new Date(2026, 5, 15, 8).toISOString(), now)).toBe('Today');
    expect(formatDay(new Date(2026, 5, 14, 23).toISOString(), now)).toBe('Yesterday');
    expect(formatDay(new Date(2026, 5, 1).toISOString(), now)).not.toMatch(/Today|Yesterday/);
  });

  it('groups by local day', () => {
    expect(dayKey(new Date(2026, 5, 15, 0, 1))).toBe(dayKey(new Date(2026, 5, 15, 23, 59)));
    expect(dayKey(new Date(2026, 5, 15))).not.toBe(dayKey(new Date(2026, 5, 16)));
  });

  it('words last seen', () => {
    expect(formatLastSeen(null, now)).toBe('offline');
    expect(formatLastSeen(new Date(now - 10_000).toISOString(), now)).toBe('last seen just now');
    expect(formatLastSeen(new Date(now - 5 * 60_000).toISOString(), now)).toBe('last seen 5 min ago');
    expect(formatLastSeen(new Date(now - 3 * 3_600_000).toISOString(), now)).toBe('last seen 3 h ago');
  });
});
