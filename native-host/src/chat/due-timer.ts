/**
 * One timer for the earliest moment anything is due. `at` only ever moves
 * it sooner; when it fires, `onDue` runs and arms it again as it sees fit.
 * It never keeps the process alive.
 */
export class DueTimer {
  private timer: NodeJS.Timeout | undefined;
  private armedFor = 0;
  private stopped = false;

  constructor(private readonly onDue: () => void) {}

  /** Fires at `at` (ms since the epoch), unless already armed sooner. */
  at(at: number): void {
    if (this.stopped || (this.timer !== undefined && this.armedFor <= at)) return;
    clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.onDue();
    }, Math.max(0, at - Date.now()));
    this.timer.unref();
  }

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
