import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * Runs a long-lived process's `main` and exits with its code. An error that
 * escapes a callback is reported, not fatal: one bad peer or request must not
 * stop the process for everyone else.
 */
export function runProcess(name: string, main: () => Promise<ExitCode>): void {
  // When whoever read our stderr is gone (a closed terminal, a killed parent),
  // every write fails with EPIPE. Unhandled, that error would be reported on
  // stderr again, failing again, for ever: the process spun and ignored
  // SIGTERM. The log is lost either way; the process keeps serving.
  process.stderr.on('error', () => undefined);
  process.on('uncaughtException', (err) => {
    process.stderr.write(`${name}: uncaught ${err.stack ?? err}\n`);
  });
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name}: ${(err as Error).stack ?? err}\n`);
      process.exit(EXIT.failed);
    },
  );
}
