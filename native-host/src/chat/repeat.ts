/**
 * Runs `task` at once and then `intervalMs` after each run ends (never two
 * runs at a time), until stopped. Timers don't keep the process alive.
 */
export function repeat(task: () => Promise<void>, intervalMs: number): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const loop = () => {
    void task().finally(() => {
      if (stopped) return;
      timer = setTimeout(loop, intervalMs);
      timer.unref();
    });
  };
  timer = setTimeout(loop, 0);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
