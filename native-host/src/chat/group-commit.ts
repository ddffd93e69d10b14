import { TickBatch } from './tick-batch.js';
import { defined } from '../../../shared/defined.js';

type Job = { write: () => unknown; resolve: (value: unknown) => void; reject: (err: unknown) => void };

/**
 * Writes that arrive in one tick share one transaction: messages sent at
 * once cost one commit. If any of them throws, the shared transaction rolls
 * back and each write runs again alone, so only the one at fault fails. A
 * write must therefore keep its effects inside the transaction. The promise
 * settles once the write is committed, so nothing is sent before it is durable.
 */
export class GroupCommit {
  private readonly batch = new TickBatch<Job>((jobs) => this.commit(jobs));

  constructor(private readonly transaction: <T>(fn: () => T) => T) {}

  run<T>(write: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => this.batch.push({ write, resolve: resolve as (value: unknown) => void, reject }));
  }

  private commit(jobs: readonly Job[]): void {
    let values: unknown[];
    try {
      values = this.transaction(() => jobs.map((job) => job.write()));
    } catch (err) {
      if (jobs.length === 1) defined(jobs[0]).reject(err);
      else for (const job of jobs) this.alone(job);
      return;
    }
    jobs.forEach((job, i) => job.resolve(values[i]));
  }

  private alone(job: Job): void {
    let value: unknown;
    try {
      value = this.transaction(job.write);
    } catch (err) {
      job.reject(err);
      return;
    }
    job.resolve(value);
  }
}
