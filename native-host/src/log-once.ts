/**
 * Decides which repeated refusals get logged: the first for each key, then
 * at most one per `intervalMs`. Strangers and broken records repeat forever;
 * the log must not grow with them. Remembers at most `maxKeys` keys (the
 * oldest are forgotten first), so a flood of distinct keys costs bounded memory.
 */
export class LogOnce {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly intervalMs = 10 * 60_000,
    private readonly maxKeys = 1024,
  ) {}

  /** True when a refusal for `key` should be logged now. */
  shouldLog(key: string, now = Date.now()): boolean {
    const at = this.last.get(key);
    if (at !== undefined && now - at < this.intervalMs) return false;
    this.last.delete(key);
    this.last.set(key, now);
    if (this.last.size > this.maxKeys) this.last.delete(this.last.keys().next().value!);
    return true;
  }
}
