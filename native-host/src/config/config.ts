import os from 'node:os';
import path from 'node:path';
import { DEFAULT_PORTS, normalizeUsername, USERNAME_PATTERN, type DirectoryKind } from '../../../shared/contract.js';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../../shared/extension-id.js';
import { LOG_LEVELS, type LogLevel } from '../logger.js';
import { applyLimitOverrides, DEFAULT_LIMITS, type Limits } from './limits.js';
import { OPTIONS } from './options.js';
import { defined } from '../../../shared/defined.js';

export interface HostConfig {
  dataDir: string;
  username: string | null;
  apiPort: number;
  wsPort: number;
  peerPort: number;
  peerHost: string;
  /** Dial loopback and link-local addresses friends publish: only when they are all on this machine. */
  dialLocal: boolean;
  /** Address friends dial; port null means "the peer port we bound". */
  advertise: { host: string; port: number | null } | null;
  directory: DirectoryKind;
  directoryPath: string;
  supabaseUrl: string | null;
  supabaseKey: string | null;
  /** Reaching friends through the HyperDHT: hole punching, then blind relays. */
  dht: DhtConfig;
  heartbeatMs: number;
  presenceTimeoutMs: number;
  auth: 'token' | 'none';
  allowOrigins: string[];
  logLevel: LogLevel;
  logFile: string | null;
  limits: Limits;
}

export interface DhtConfig {
  enabled: boolean;
  /** `host:port` bootstrap nodes; null for hyperdht's public ones. */
  bootstrap: string[] | null;
  /** Relay public keys, lower-case hex. */
  relays: string[];
}

export type ParsedCommandLine =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'run'; config: HostConfig; positionals: string[] };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Per-OS application data root: ~/.local/share on Linux and friends. */
export function appDataRoot(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (platform === 'win32') return env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local');
  if (platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support');
  return env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
}

/**
 * Reads options from argv, then environment variables, then defaults.
 * Positional arguments are returned untouched: browsers pass the caller's
 * origin (Chromium) or manifest path and add-on id (Firefox) that way.
 */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedCommandLine {
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = defined(argv[i]);
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version') return { kind: 'version' };
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    // Chrome on Windows adds --parent-window=<hwnd> for hosts that open windows.
    if (name === 'parent-window') continue;
    const spec = OPTIONS.find((o) => o.name === name);
    if (!spec) throw new ConfigError(`unknown option --${name} (see --help)`);
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined) throw new ConfigError(`option --${name} needs a value (${spec.arg})`);
    const list = values.get(name) ?? [];
    if (!spec.repeatable && list.length > 0) throw new ConfigError(`option --${name} given twice`);
    values.set(name, [...list, value]);
  }
  for (const spec of OPTIONS) {
    const fromEnv = env[spec.env];
    if (values.has(spec.name) || fromEnv === undefined || fromEnv === '') continue;
    values.set(spec.name, spec.envList ? fromEnv.split(',').map((s) => s.trim()).filter(Boolean) : [fromEnv]);
  }
  return { kind: 'run', config: buildConfig(values, env), positionals };
}

function buildConfig(values: Map<string, string[]>, env: NodeJS.ProcessEnv): HostConfig {
  const one = (name: string) => values.get(name)?.[0];
  const root = appDataRoot(env);
  const supabaseUrl = one('supabase-url') ?? null;
  const directory = (one('directory') ?? (supabaseUrl ? 'supabase' : 'local')) as DirectoryKind;
  if (directory !== 'local' && directory !== 'supabase') {
    throw new ConfigError(`unknown directory kind '${directory}' (use local or supabase)`);
  }
  const supabaseKey = one('supabase-key') ?? null;
  if (directory === 'supabase' && (!supabaseUrl || !supabaseKey)) {
    throw new ConfigError('--directory supabase needs --supabase-url and --supabase-key');
  }
  if (supabaseUrl) checkSupabaseUrl(supabaseUrl);
  const auth = one('auth') ?? 'token';
  if (auth !== 'token' && auth !== 'none') throw new ConfigError(`invalid --auth '${auth}' (use token or none)`);
  const logLevel = one('log-level') ?? 'info';
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new ConfigError(`invalid --log-level '${logLevel}'`);
  let username: string | null = null;
  const rawUsername = one('username');
  if (rawUsername !== undefined) {
    username = normalizeUsername(rawUsername);
    if (!USERNAME_PATTERN.test(username)) throw new ConfigError(`invalid --username '${rawUsername}'`);
  }
  let limits: Limits;
  try {
    limits = applyLimitOverrides(DEFAULT_LIMITS, values.get('limit') ?? []);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return {
    dataDir: path.resolve(one('data-dir') ?? path.join(root, 'parley')),
    username,
    apiPort: port(one('api-port'), DEFAULT_PORTS.api, 'api-port'),
    wsPort: port(one('ws-port'), DEFAULT_PORTS.ws, 'ws-port'),
    peerPort: port(one('peer-port'), DEFAULT_PORTS.peer, 'peer-port'),
    // The local directory serves one machine and advertises loopback only: nothing else needs the port.
    peerHost: one('peer-host') ?? (directory === 'local' ? '127.0.0.1' : '0.0.0.0'),
    // The local directory serves one machine: friends' addresses are loopback ones.
    dialLocal: onOff(one('dial-local'), 'dial-local') ?? directory === 'local',
    advertise: advertise(one('advertise')),
    directory,
    directoryPath: path.resolve(one('directory-path') ?? path.join(root, 'parley', 'directory.sqlite')),
    supabaseUrl,
    supabaseKey,
    dht: dhtConfig(one('dht'), directory, values.get('dht-bootstrap'), values.get('relay') ?? []),
    heartbeatMs: positive(one('heartbeat-ms'), 30_000, 'heartbeat-ms'),
    presenceTimeoutMs: positive(one('presence-timeout-ms'), 90_000, 'presence-timeout-ms'),
    auth,
    allowOrigins: [CHROMIUM_EXTENSION_ORIGIN, ...(values.get('allow-origin') ?? []).map(origin)],
    logLevel: logLevel as LogLevel,
    logFile: one('log-file') ?? null,
    limits,
  };
}

/**
 * The directory holds what a host trusts least (and the mailbox credential,
 * which travels with every heartbeat and take): plain http only to a
 * directory on this machine, https everywhere else.
 */
function checkSupabaseUrl(raw: string): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`invalid --supabase-url '${raw}'`);
  }
  if (url.protocol === 'https:') return;
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol === 'http:' && loopback) return;
  throw new ConfigError(`--supabase-url must be https:// (plain http:// only for a directory on this machine: 127.0.0.1, [::1] or localhost), not '${raw}'`);
}

function onOff(raw: string | undefined, name: string): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw !== 'on' && raw !== 'off') throw new ConfigError(`invalid --${name} '${raw}' (use on or off)`);
  return raw === 'on';
}

function port(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) throw new ConfigError(`invalid --${name} '${raw}' (0-65535)`);
  return n;
}

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n <= 0 || !Number.isSafeInteger(n)) throw new ConfigError(`invalid --${name} '${raw}'`);
  return n;
}

function advertise(raw: string | undefined): HostConfig['advertise'] {
  if (raw === undefined) return null;
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+)(?::(\d+))?$/.exec(raw.trim());
  if (!match) throw new ConfigError(`invalid --advertise '${raw}' (HOST[:PORT])`);
  const portNumber = match[2] === undefined ? null : Number(match[2]);
  if (portNumber !== null && (portNumber < 1 || portNumber > 65535)) throw new ConfigError(`invalid --advertise port in '${raw}'`);
  return { host: defined(match[1]), port: portNumber };
}

function dhtConfig(raw: string | undefined, directory: DirectoryKind, bootstrap: string[] | undefined, relays: string[]): DhtConfig {
  if (raw !== undefined && raw !== 'on' && raw !== 'off') throw new ConfigError(`invalid --dht '${raw}' (use on or off)`);
  for (const node of bootstrap ?? []) {
    const match = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(node);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) throw new ConfigError(`invalid --dht-bootstrap '${node}' (HOST:PORT)`);
  }
  for (const key of relays) {
    if (!/^[0-9a-fA-F]{64}$/.test(key)) throw new ConfigError(`invalid --relay '${key}' (the 64 hex digits parley-relay prints)`);
  }
  return {
    // The local directory serves one machine, where TCP always works.
    enabled: raw === undefined ? directory === 'supabase' : raw === 'on',
    bootstrap: bootstrap && bootstrap.length > 0 ? bootstrap : null,
    relays: relays.map((key) => key.toLowerCase()),
  };
}

function origin(raw: string): string {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`invalid --allow-origin '${raw}'`);
  }
  if (parsed.origin !== 'null') return parsed.origin;
  // Extension schemes have an opaque origin in WHATWG URL; keep scheme://host.
  return `${parsed.protocol}//${parsed.host}`;
}
