import { TickBatch } from './tick-batch.js';

type Job = { write: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void };

/**
 * Writes that arrive in one tick share one transaction, each in its own
 * savepoint: messages sent at once cost one commit, and a write that fails
 * rolls back alone. The promise settles once the whole transaction is
 * committed, so nothing is announced or sent before it is durable.
 */
export class GroupCommit {
  private readonly batch = new TickBatch<Job>((jobs) => this.commit(jobs));

  constructor(private readonly transaction: <T>(fn: () => T) => T) {}

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => this.batch.push({ write, resolve: resolve as (value: unknown) => void, reject }));
  }

  private commit(jobs: readonly Job[]): void {
    if (jobs.length === 1) {
      // Alone, a write needs no savepoint: its failure rolls back the whole (its own) transaction.
      const [job] = jobs as [Job];
      let value: unknown;
      try {
        value = this.transaction(job.write);
      } catch (err) {
        job.reject(err);
        return;
      }
      job.resolve(value);
      return;
    }
    let outcomes: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }>;
    try {
      outcomes = this.transaction(() =>
        jobs.map((job) => {
          try {
            // Nested: a savepoint inside the shared transaction.
            return { ok: true as const, value: this.transaction(job.write) };
          } catch (err) {
            return { ok: false as const, err };
          }
        }),
      );
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.err);
    });
  }
}
