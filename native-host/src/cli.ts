import { ConfigError, parseCommandLine } from './config/config.js';
import { helpText } from './config/options.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { runProcess } from './process-runner.js';
import { HostStartError, startHost } from './host.js';
import { createLogger } from './logger.js';
import { detectBrowserLaunch } from './native/launch-mode.js';
import { runBrowserLaunched } from './native/native-launch.js';
import type { NodeSupport } from './node-support.js';
import { hostVersion } from './version.js';

/** Runs the host's command line on a Node that `main.ts` let through (`support` says how). */
export function runCli(support: NodeSupport): void {
  runProcess('parley-host', () => main(support));
}

/** Parses the command line, starts the host, stops it on signals. Only wiring. */
async function main(support: NodeSupport): Promise<ExitCode> {
  if (process.argv[2] === 'doctor') {
    const { runDoctor } = await import('./doctor/doctor-command.js');
    return runDoctor(process.argv.slice(3));
  }
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`parley-host: ${err.message}\n`);
    return EXIT.usage;
  }
  // --help and --version print to stderr: stdout belongs to native messaging.
  if (parsed.kind === 'help') {
    process.stderr.write(helpText(hostVersion()));
    return EXIT.ok;
  }
  if (parsed.kind === 'version') {
    process.stderr.write(`${hostVersion()}\n`);
    return EXIT.ok;
  }
  const { config } = parsed;
  process.umask(0o077);
  const log = createLogger(config.logLevel, config.logFile ?? undefined);
  if (support.message) log.warn(support.message);
  const launch = detectBrowserLaunch(parsed.positionals);
  if (launch) {
    log.info('started by the browser', { browser: launch.browser, caller: launch.origin ?? launch.extensionId });
    try {
      return await runBrowserLaunched(config, log);
    } catch (err) {
      log.error((err as Error).message, err instanceof HostStartError ? undefined : { stack: (err as Error).stack });
      return err instanceof HostStartError ? err.exitCode : EXIT.failed;
    }
  }
  if (parsed.positionals.length > 0) {
    process.stderr.write(`parley-host: unexpected argument '${parsed.positionals[0]}' (see --help)\n`);
    return EXIT.usage;
  }
  let host;
  try {
    host = await startHost(config, log);
  } catch (err) {
    if (err instanceof HostStartError) {
      log.error(err.message);
      return err.exitCode;
    }
    log.error('failed to start', { err, stack: (err as Error).stack });
    return EXIT.failed;
  }
  return new Promise<ExitCode>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`stopping (${signal})`);
      void host.stop().then(() => resolve(EXIT.ok));
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
}
