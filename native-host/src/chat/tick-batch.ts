/**
 * Collects work that arrives during one turn of the event loop and hands it
 * over once, when that turn's I/O callbacks are done (setImmediate). Frames
 * read from every socket in one go are then committed in one transaction
 * and answered in one frame.
 */
export class TickBatch<T> {
  private pending: T[] = [];
  private timer: NodeJS.Immediate | undefined;

  constructor(private readonly flush: (items: T[]) => void) {}

  push(item: T): void {
    this.pending.push(item);
    this.timer ??= setImmediate(() => this.run());
  }

  /** Hands over what is pending at once (shutting down). */
  flushNow(): void {
    clearImmediate(this.timer);
    this.run();
  }

  private run(): void {
    this.timer = undefined;
    const items = this.pending;
    this.pending = [];
    if (items.length > 0) this.flush(items);
  }
}
