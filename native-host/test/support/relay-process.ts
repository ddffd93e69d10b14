import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defined } from '../../../shared/defined.js';

/** The built parley-relay entry. */
export const RELAY_ENTRY = path.resolve(fileURLToPath(import.meta.url), '../../../../dist/native-host/src/relay/relay-main.js');

/** A running parley-relay process. */
export class RelayProcess {
  stdout = '';
  stderr = '';
  /** Its public key, from the `relay <key>` line. */
  key = '';
  /** `host:port` of its DHT node, for --dht-bootstrap and --bootstrap. */
  address = '';
  private readonly exit: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    defined(child.stdout).on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    defined(child.stderr).on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
      if (process.env.PARLEY_TEST_LOGS) process.stderr.write(chunk);
    });
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  exited(): Promise<number | null> {
    return this.exit;
  }

  /** SIGTERM and wait for it to end. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exit;
  }
}

/**
 * Starts `parley-relay args...` (behind `prefix`, e.g. `ip netns exec NAME`)
 * and resolves once it printed its key and its node's address.
 */
export async function startRelayProcess(args: string[], prefix: string[] = [], timeoutMs = 20_000): Promise<RelayProcess> {
  const command = [...prefix, process.execPath, RELAY_ENTRY, ...args];
  const relay = new RelayProcess(spawn(defined(command[0]), command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const key = /^relay ([0-9a-f]{64})$/m.exec(relay.stdout)?.[1];
    const address = /ready: bootstrap node (\S+:\d+)/.exec(relay.stderr)?.[1];
    if (key && address) {
      relay.key = key;
      relay.address = address;
      return relay;
    }
    if (relay.child.exitCode !== null) throw new Error(`parley-relay exited with ${relay.child.exitCode}: ${relay.stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  await relay.stop();
  throw new Error(`parley-relay not ready in ${timeoutMs} ms: ${relay.stderr}`);
}
