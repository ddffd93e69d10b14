/**
 * The command-line table of the contract: each option, the environment
 * variable it also reads, its default (described for --help) and whether it
 * repeats. Parsing and validation live in config.ts.
 */
export interface OptionSpec {
  name: string;
  env: string;
  arg: string;
  help: string;
  repeatable?: boolean;
  /** Environment value is a comma-separated list. */
  envList?: boolean;
}

export const OPTIONS: readonly OptionSpec[] = [
  { name: 'data-dir', env: 'PARLEY_DATA_DIR', arg: 'DIR', help: 'profile data folder (default: per-OS app data, ~/.local/share/parley on Linux)' },
  { name: 'username', env: 'PARLEY_USERNAME', arg: 'NAME', help: 'claim this username on first run (default: set up later with POST /setup)' },
  { name: 'api-port', env: 'PARLEY_API_PORT', arg: 'N', help: 'REST API port on 127.0.0.1 (default 8080, 0 = pick)' },
  { name: 'ws-port', env: 'PARLEY_WS_PORT', arg: 'N', help: 'WebSocket events port on 127.0.0.1 (default 8081, 0 = pick)' },
  { name: 'peer-port', env: 'PARLEY_PEER_PORT', arg: 'N', help: 'peer-to-peer TCP port (default 9100, 0 = pick)' },
  { name: 'peer-host', env: 'PARLEY_PEER_HOST', arg: 'ADDR', help: 'peer listener bind address (default 127.0.0.1 with the local directory, else 0.0.0.0)' },
  { name: 'dial-local', env: 'PARLEY_DIAL_LOCAL', arg: 'on|off', help: 'dial loopback and link-local addresses friends publish (default: on with the local directory, off otherwise)' },
  { name: 'advertise', env: 'PARLEY_ADVERTISE', arg: 'HOST[:PORT]', help: 'address friends dial (default: detected local address and the peer port)' },
  { name: 'directory', env: 'PARLEY_DIRECTORY', arg: 'local|supabase', help: 'directory kind (default: supabase when a Supabase URL is set, else local)' },
  { name: 'directory-path', env: 'PARLEY_DIRECTORY_PATH', arg: 'FILE', help: 'the shared local directory file (default: one per machine user)' },
  { name: 'supabase-url', env: 'SUPABASE_URL', arg: 'URL', help: 'Supabase project URL' },
  { name: 'supabase-key', env: 'SUPABASE_ANON_KEY', arg: 'KEY', help: 'Supabase anon key' },
  { name: 'dht', env: 'PARLEY_DHT', arg: 'on|off', help: 'reach friends behind NAT through the HyperDHT (default: on with Supabase, off with the local directory)' },
  { name: 'dht-bootstrap', env: 'PARLEY_DHT_BOOTSTRAP', arg: 'HOST:PORT', help: 'HyperDHT bootstrap node (repeatable; env: comma list; default: the public ones)', repeatable: true, envList: true },
  { name: 'relay', env: 'PARLEY_RELAYS', arg: 'KEY', help: 'blind relay public key as printed by parley-relay (repeatable; env: comma list)', repeatable: true, envList: true },
  { name: 'heartbeat-ms', env: 'PARLEY_HEARTBEAT_MS', arg: 'N', help: 'directory heartbeat interval (default 30000)' },
  { name: 'presence-timeout-ms', env: 'PARLEY_PRESENCE_TIMEOUT_MS', arg: 'N', help: 'a friend is offline after this long without a heartbeat (default 90000)' },
  { name: 'auth', env: 'PARLEY_AUTH', arg: 'token|none', help: 'API access: bearer token (default) or none for legacy local clients' },
  { name: 'allow-origin', env: 'PARLEY_ALLOW_ORIGINS', arg: 'ORIGIN', help: 'extra allowed Origin (repeatable; env: comma list)', repeatable: true, envList: true },
  { name: 'log-level', env: 'PARLEY_LOG_LEVEL', arg: 'LEVEL', help: 'debug|info|warn|error|silent (default info)' },
  { name: 'log-file', env: 'PARLEY_LOG_FILE', arg: 'FILE', help: 'append logs to this file instead of stderr' },
  { name: 'limit', env: 'PARLEY_LIMITS', arg: 'NAME=VALUE', help: 'override a limit (repeatable; env: comma list), see docs/configuration.md', repeatable: true, envList: true },
];

export function helpText(version: string): string {
  const rows = OPTIONS.map((o) => {
    const flag = `--${o.name} ${o.arg}`;
    return `  ${flag.padEnd(34)} ${o.help}\n  ${''.padEnd(34)} env ${o.env}`;
  });
  return [
    `parley-host ${version}: the Parley host (REST + WebSocket API, peer sessions, directory)`,
    '',
    'Usage: parley-host [options]',
    '',
    'Options (each also read from the environment variable shown):',
    ...rows,
    '  --help                             show this help',
    '  --version                          print the version',
    '',
  ].join('\n');
}
