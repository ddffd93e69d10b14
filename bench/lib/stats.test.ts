import { describe, expect, it } from 'vitest';
import { median, percentile, round, slope } from './stats.js';

describe('stats', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes medians of odd and even counts without reordering the input', () => {
    const input = [3, 1, 2];
    expect(median(input)).toBe(2);
    expect(input).toEqual([3, 1, 2]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('rounds for display', () => {
    expect(round(1.23456)).toBe(1.235);
    expect(round(1.23456, 1)).toBe(1.2);
    expect(round(NaN)).toBeNaN();
  });

  it('fits a least-squares slope', () => {
    expect(slope([[0, 1], [1, 3], [2, 5]])).toBeCloseTo(2);
    // A sawtooth around a flat line has no trend; a ramp under it does.
    const saw = Array.from({ length: 40 }, (_, i) => ([i, (i % 4) * 3] as [number, number]));
    expect(Math.abs(slope(saw))).toBeLessThan(0.1);
    expect(slope(saw.map(([x, y]) => [x, y + 0.5 * x])) - slope(saw)).toBeCloseTo(0.5, 9);
    expect(slope([[1, 2]])).toBeNaN();
    expect(slope([[1, 2], [1, 3]])).toBeNaN();
  });
});
