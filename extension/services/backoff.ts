/** Reconnect schedule: `baseMs × factor^attempt`, for at most `maxAttempts` tries. */
export interface BackoffOptions {
  baseMs?: number;
  factor?: number;
  /** Attempts after which the caller gives up until something resets it. */
  maxAttempts?: number;
  /** Upper bound of one delay, so a long outage does not mean hour-long waits. */
  maxDelayMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  baseMs: 3_000,
  factor: 1.5,
  maxAttempts: 10,
  maxDelayMs: 60_000,
};

/** Delay before retry number `attempt` (0-based), or `null` once attempts are used up. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number | null {
  const o = { ...DEFAULT_BACKOFF, ...options };
  if (attempt < 0 || !Number.isInteger(attempt)) throw new RangeError(`bad attempt ${attempt}`);
  if (attempt >= o.maxAttempts) return null;
  return Math.min(Math.round(o.baseMs * o.factor ** attempt), o.maxDelayMs);
}

/** Counts failed attempts; `reset()` after a success starts the schedule over. */
export class Backoff {
  private attempt = 0;
  private readonly options: BackoffOptions;

  constructor(options: BackoffOptions = {}) {
    this.options = options;
  }

  /** The next delay, advancing the schedule, or `null` when exhausted. */
  next(): number | null {
    const delay = backoffDelay(this.attempt, this.options);
    if (delay !== null) this.attempt += 1;
    return delay;
  }

  get attempts(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}
