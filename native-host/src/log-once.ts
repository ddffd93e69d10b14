import { defined } from '../../shared/defined.js';

/**
 * Decides which repeated refusals get logged: the first for each key, then
 * at most one per `intervalMs`, each saying how many happened since the
 * line before (refusals in a quiet stretch after the last line are told
 * with the next one). Strangers and broken records repeat forever; the log
 * must not grow with them. Remembers at most `maxKeys` keys (the oldest are
 * forgotten first), so a flood of distinct keys costs bounded memory.
 */
export class LogOnce {
  private readonly last = new Map<string, { at: number; count: number }>();

  constructor(
    private readonly intervalMs = 10 * 60_000,
    private readonly maxKeys = 1024,
  ) {}

  /** True when a refusal for `key` should be logged now. */
  shouldLog(key: string, now = Date.now()): boolean {
    return this.count(key, now) !== null;
  }

  /**
   * Records one refusal for `key`. Returns null when it is not to be logged
   * now, else how many refusals the line stands for: this one and those
   * kept quiet since the previous line.
   */
  count(key: string, now = Date.now()): number | null {
    const seen = this.last.get(key);
    if (seen !== undefined && now - seen.at < this.intervalMs) {
      seen.count += 1;
      return null;
    }
    this.last.delete(key);
    this.last.set(key, { at: now, count: 0 });
    if (this.last.size > this.maxKeys) this.last.delete(defined(this.last.keys().next().value));
    return (seen?.count ?? 0) + 1;
  }
}
