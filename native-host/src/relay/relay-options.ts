import { parseArgs } from 'node:util';

/** The default UDP port of a HyperDHT node, and of parley-relay. */
export const DEFAULT_RELAY_PORT = 49737;

export interface RelayOptions {
  /** Address to bind and announce; required for the first node of a new network. */
  host: string | null;
  /** UDP port; 0 picks a free one. */
  port: number;
  /** `host:port` of nodes to join; empty makes this the first node of a new network. */
  bootstrap: string[];
  /** Keeps the relay's key across restarts (created 0600); null: a new key each start. */
  keyFile: string | null;
}

export type ParsedRelayArgs = { kind: 'help' } | { kind: 'run'; options: RelayOptions };

export class RelayArgsError extends Error {
  override name = 'RelayArgsError';
}

export const RELAY_HELP = `parley-relay: a HyperDHT node that serves as a bootstrap node and a blind relay

Usage: parley-relay [options]

  --host ADDR          address to bind and announce (IPv4; required without --bootstrap)
  --port N             UDP port (default ${DEFAULT_RELAY_PORT}; 0 picks a free one)
  --bootstrap HOST:PORT
                       a node of the network to join (repeatable); none makes this
                       the first node of a new network
  --key-file FILE      keep the relay's key in FILE across restarts (created 0600)
  --help               show this help

When ready it prints one line "relay <key>" to stdout (give the key to hosts
with --relay) and serves until SIGINT or SIGTERM. Logs go to stderr.
`;

export function parseRelayArgs(argv: string[]): ParsedRelayArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        bootstrap: { type: 'string', multiple: true },
        'key-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new RelayArgsError((err as Error).message);
  }
  if (values.help) return { kind: 'help' };
  const host = values.host ?? null;
  if (host !== null && !/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) throw new RelayArgsError(`invalid --host '${host}' (an IPv4 address)`);
  const portText = values.port ?? String(DEFAULT_RELAY_PORT);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new RelayArgsError(`invalid --port '${portText}' (0-65535)`);
  const bootstrap = values.bootstrap ?? [];
  for (const node of bootstrap) {
    const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(node);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) throw new RelayArgsError(`invalid --bootstrap '${node}' (HOST:PORT)`);
  }
  if (bootstrap.length === 0 && host === null) {
    throw new RelayArgsError('the first node of a new network needs --host (the address others reach it at)');
  }
  return { kind: 'run', options: { host, port, bootstrap, keyFile: values['key-file'] ?? null } };
}
