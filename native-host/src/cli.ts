import { ConfigError, parseCommandLine } from './config/config.js';
import { helpText } from './config/options.js';
import { HostStartError, startHost } from './host.js';
import { createLogger } from './logger.js';
import { detectBrowserLaunch } from './native/launch-mode.js';
import { runBrowserLaunched } from './native/native-launch.js';
import type { NodeSupport } from './node-support.js';
import { hostVersion } from './version.js';

/** Parses the command line, starts the host, stops it on signals, then exits. Only wiring. */
export async function runCli(support: NodeSupport): Promise<void> {
  process.on('uncaughtException', (err) => {
    process.stderr.write(`parley-host: uncaught ${err.stack ?? err}\n`);
  });
  try {
    process.exit(await main(support));
  } catch (err) {
    process.stderr.write(`parley-host: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  }
}

async function main(support: NodeSupport): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`parley-host: ${err.message}\n`);
    return 2;
  }
  // --help and --version print to stderr: stdout belongs to native messaging.
  if (parsed.kind === 'help') {
    process.stderr.write(helpText(hostVersion()));
    return 0;
  }
  if (parsed.kind === 'version') {
    process.stderr.write(`${hostVersion()}\n`);
    return 0;
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
      return err instanceof HostStartError ? err.exitCode : 1;
    }
  }
  if (parsed.positionals.length > 0) {
    process.stderr.write(`parley-host: unexpected argument '${parsed.positionals[0]}' (see --help)\n`);
    return 2;
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
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`stopping (${signal})`);
      void host.stop().then(() => resolve(0));
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
}
