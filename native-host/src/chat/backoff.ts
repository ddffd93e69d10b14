/**
 * Delay before the next attempt after `attempts` failed ones: doubling from
 * `minMs`, capped at `maxMs`, with ±25 % jitter so many friends' queues
 * don't retry in lockstep.
 */
export function backoff(attempts: number, limits: { retryMinMs: number; retryMaxMs: number }, random = Math.random): number {
  const base = Math.min(limits.retryMaxMs, limits.retryMinMs * 2 ** Math.min(Math.max(attempts - 1, 0), 20));
  return Math.round(base * (0.75 + random() * 0.5));
}
