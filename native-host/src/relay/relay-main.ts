#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { EXIT, type ExitCode } from '../exit-codes.js';
import { createLogger } from '../logger.js';
import { runProcess } from '../process-runner.js';
import { loadOrCreateSeed } from '../store/seed-file.js';
import { parseRelayArgs, RELAY_HELP, RelayArgsError } from './relay-options.js';
import { startRelay } from './relay-node.js';

/** parley-relay: parse, start, print the key, stop on signals. Only wiring. */
async function main(): Promise<ExitCode> {
  let parsed;
  try {
    parsed = parseRelayArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof RelayArgsError)) throw err;
    process.stderr.write(`parley-relay: ${err.message} (see --help)\n`);
    return EXIT.usage;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(RELAY_HELP);
    return EXIT.ok;
  }
  const { options } = parsed;
  const log = createLogger('info', undefined, 'relay');
  const seed = options.keyFile ? loadOrCreateSeed(options.keyFile) : randomBytes(32);
  const relay = await startRelay(options, seed, log);
  log.info(`ready: bootstrap node ${relay.address.host}:${relay.address.port}`, { joined: options.bootstrap });
  process.stdout.write(`relay ${relay.key}\n`);
  return new Promise<ExitCode>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info(`stopping (${signal})`);
      void relay.close().then(() => resolve(EXIT.ok));
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}

// A relay serves many pairs: one that trips an unexpected error must not stop the others.
runProcess('parley-relay', main);
