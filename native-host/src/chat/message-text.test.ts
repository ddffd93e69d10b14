import { describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.js';
import { shownTimestamp, textProblem } from './message-text.js';

describe('textProblem', () => {
  it('refuses blank and too long text, and nothing else', () => {
    expect(isParleyError(textProblem('', 5), 'TEXT_EMPTY')).toBe(true);
    expect(isParleyError(textProblem(' \n\t ', 5), 'TEXT_EMPTY')).toBe(true);
    expect(isParleyError(textProblem('abcdef', 5), 'TEXT_TOO_LONG')).toBe(true);
    expect(textProblem('abcde', 5)).toBeNull();
    expect(textProblem(' a ', 5)).toBeNull();
  });
});

describe('shownTimestamp', () => {
  const now = Date.parse('2026-06-15T10:00:00.000Z');
  const skew = 5 * 60_000;

  it('keeps the sender\u2019s time, in ISO form, when it is plausible', () => {
    expect(shownTimestamp('2026-06-15T09:59:00.000Z', now, skew)).toEqual({ timestamp: '2026-06-15T09:59:00.000Z', clamped: false });
    expect(shownTimestamp('2026-06-15T12:04:00+02:00', now, skew)).toEqual({ timestamp: '2026-06-15T10:04:00.000Z', clamped: false });
    // Sent long ago and delivered late (an outbox or a mailbox kept it): still its own time.
    expect(shownTimestamp('2026-01-02T00:00:00.000Z', now, skew).clamped).toBe(false);
  });

  it('shows the arrival time for a time too far ahead or before 2000', () => {
    for (const claimed of ['2026-06-15T10:05:01.000Z', '2099-01-01T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '1970-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z']) {
      expect(shownTimestamp(claimed, now, skew), claimed).toEqual({ timestamp: '2026-06-15T10:00:00.000Z', clamped: true });
    }
  });
});
