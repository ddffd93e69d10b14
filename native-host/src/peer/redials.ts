/** Quick redials after a session drops (a restart, a blip), before waiting for the directory. */
const REDIAL_DELAYS_MS = [250, 1000, 2000, 4000, 8000];

/**
 * Redials a friend whose session dropped or whose dial found no path, a few
 * times and quicker than the directory's round would; after the last one
 * the directory's rounds (which dial every present friend) take over.
 */
export class Redials {
  private readonly pending = new Map<string, { attempt: number; timer: NodeJS.Timeout }>();

  constructor(private readonly redial: (username: string) => void) {}

  /** Schedules the next redial of `username`, unless all of them were spent. */
  schedule(username: string): void {
    const attempt = (this.pending.get(username)?.attempt ?? -1) + 1;
    clearTimeout(this.pending.get(username)?.timer);
    if (attempt >= REDIAL_DELAYS_MS.length) {
      this.pending.delete(username);
      return;
    }
    const timer = setTimeout(() => this.redial(username), REDIAL_DELAYS_MS[attempt]);
    timer.unref();
    this.pending.set(username, { attempt, timer });
  }

  /** A session is up (or the friend is gone): start counting afresh next time. */
  cancel(username: string): void {
    clearTimeout(this.pending.get(username)?.timer);
    this.pending.delete(username);
  }

  cancelAll(): void {
    for (const username of [...this.pending.keys()]) this.cancel(username);
  }
}
