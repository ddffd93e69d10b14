/**
 * How the host process ends. Scripts and the browser launcher tell these
 * apart, so each has one meaning (docs/configuration.md, "Exit codes").
 */
export const EXIT = {
  /** Stopped cleanly (signal, shutdown request, the browser closed the port), or --help/--version. */
  ok: 0,
  /** Could not start or failed while running: see the log. */
  failed: 1,
  /** Bad command line, options or environment; also a data dir that belongs to another username. */
  usage: 2,
  /** Another host already runs for this data dir. */
  alreadyRunning: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
