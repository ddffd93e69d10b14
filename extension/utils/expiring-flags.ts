/**
 * Per-key timers that turn a flag off again when no update arrives in
 * time (a peer's "typing…" that never got its `typing: false`).
 */
export class ExpiringFlags {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly ttlMs: number;
  private readonly onExpire: (key: string) => void;

  constructor(ttlMs: number, onExpire: (key: string) => void) {
    this.ttlMs = ttlMs;
    this.onExpire = onExpire;
  }

  /** Restarts the key's timer when `on`, cancels it otherwise. */
  touch(key: string, on: boolean): void {
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.delete(key);
    if (!on) return;
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.onExpire(key);
    }, this.ttlMs));
  }
}
