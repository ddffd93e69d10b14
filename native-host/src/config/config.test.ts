import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../../shared/extension-id.js';
import { ConfigError, parseCommandLine, type HostConfig } from './config.js';
import { DEFAULT_LIMITS } from './limits.js';

const run = (argv: string[], env: NodeJS.ProcessEnv = {}): HostConfig => {
  const parsed = parseCommandLine(argv, { HOME: '/home/u', ...env });
  if (parsed.kind !== 'run') throw new Error(`expected run, got ${parsed.kind}`);
  return parsed.config;
};

describe('command line', () => {
  it('has the contract defaults', () => {
    const config = run([], { XDG_DATA_HOME: '/data' });
    expect(config).toMatchObject({
      dataDir: path.resolve('/data/parley'),
      username: null,
      apiPort: 8080,
      wsPort: 8081,
      peerPort: 9100,
      peerHost: '127.0.0.1',
      advertise: null,
      directory: 'local',
      heartbeatMs: 30_000,
      presenceTimeoutMs: 90_000,
      auth: 'token',
      allowOrigins: [CHROMIUM_EXTENSION_ORIGIN],
      limits: DEFAULT_LIMITS,
      dht: { enabled: false, bootstrap: null, relays: [] },
    });
  });

  it('binds the peer port to loopback with the local directory, to every interface with Supabase, unless told', () => {
    const supabase = ['--supabase-url', 'https://x.supabase.co', '--supabase-key', 'k'];
    expect(run([]).peerHost).toBe('127.0.0.1');
    expect(run(supabase).peerHost).toBe('0.0.0.0');
    expect(run(['--peer-host', '0.0.0.0']).peerHost).toBe('0.0.0.0');
    expect(run([...supabase], { PARLEY_PEER_HOST: '192.0.2.1' }).peerHost).toBe('192.0.2.1');
  });

  it('turns the DHT on with Supabase by default, and reads its bootstrap nodes and relays', () => {
    const supabase = ['--supabase-url', 'https://x.supabase.co', '--supabase-key', 'k'];
    expect(run(supabase).dht).toEqual({ enabled: true, bootstrap: null, relays: [] });
    expect(run([...supabase, '--dht', 'off']).dht.enabled).toBe(false);
    const relay = 'AB'.repeat(32);
    const config = run(['--dht', 'on', '--dht-bootstrap', '203.0.113.1:49737', '--dht-bootstrap=boot.example:1', '--relay', relay]);
    expect(config.dht).toEqual({ enabled: true, bootstrap: ['203.0.113.1:49737', 'boot.example:1'], relays: [relay.toLowerCase()] });
    const env = run([], { PARLEY_DHT: 'on', PARLEY_DHT_BOOTSTRAP: '127.0.0.1:1, 127.0.0.1:2', PARLEY_RELAYS: `${relay},${'cd'.repeat(32)}` });
    expect(env.dht).toEqual({ enabled: true, bootstrap: ['127.0.0.1:1', '127.0.0.1:2'], relays: [relay.toLowerCase(), 'cd'.repeat(32)] });
  });

  it('refuses malformed DHT options', () => {
    for (const argv of [['--dht', 'yes'], ['--dht-bootstrap', 'nohost'], ['--dht-bootstrap', 'a:70000'], ['--relay', 'abc'], ['--relay', 'z'.repeat(64)]]) {
      expect(() => run(argv)).toThrow(ConfigError);
    }
  });

  it('reads options, then PARLEY_* variables, then defaults', () => {
    const env = { PARLEY_API_PORT: '9000', PARLEY_WS_PORT: '9001', PARLEY_USERNAME: 'Alice', PARLEY_ALLOW_ORIGINS: 'http://a.test, http://b.test' };
    const config = run(['--api-port=7000', '--advertise', 'example.net:4000'], env);
    expect(config.apiPort).toBe(7000);
    expect(config.wsPort).toBe(9001);
    expect(config.username).toBe('alice');
    expect(config.advertise).toEqual({ host: 'example.net', port: 4000 });
    expect(config.allowOrigins).toEqual([CHROMIUM_EXTENSION_ORIGIN, 'http://a.test', 'http://b.test']);
  });

  it('picks supabase when a URL is set, and needs its key', () => {
    expect(run(['--supabase-url', 'https://x.supabase.co', '--supabase-key', 'k']).directory).toBe('supabase');
    expect(() => run([], { SUPABASE_URL: 'https://x.supabase.co' })).toThrow(ConfigError);
  });

  it('takes a Supabase URL over https, or plain http to this machine only', () => {
    const supabase = (url: string) => run(['--supabase-url', url, '--supabase-key', 'k']).supabaseUrl;
    for (const url of ['https://x.supabase.co', 'http://127.0.0.1:54321', 'http://127.8.0.1', 'http://localhost:54321', 'http://[::1]:54321']) {
      expect(supabase(url)).toBe(url);
    }
    for (const url of ['http://x.supabase.co', 'http://203.0.113.7:54321', 'http://127.0.0.1.example.org', 'http://localhost.example.org', 'ftp://x.supabase.co', 'x.supabase.co', 'https://']) {
      expect(() => supabase(url), url).toThrow(ConfigError);
    }
    expect(() => run(['--supabase-key', 'k'], { SUPABASE_URL: 'http://x.supabase.co' })).toThrow(/https/);
  });

  it('dials local addresses friends publish only with the local directory, unless told', () => {
    const supabase = ['--supabase-url', 'https://x.supabase.co', '--supabase-key', 'k'];
    expect(run([]).dialLocal).toBe(true);
    expect(run(supabase).dialLocal).toBe(false);
    expect(run([...supabase, '--dial-local', 'on']).dialLocal).toBe(true);
    expect(run(['--dial-local', 'off']).dialLocal).toBe(false);
    expect(() => run(['--dial-local', 'yes'])).toThrow(ConfigError);
  });

  it('applies limit overrides and refuses unknown ones', () => {
    expect(run(['--limit', 'maxTextLength=10', '--limit', 'sendAckTimeoutMs=50']).limits).toMatchObject({ maxTextLength: 10, sendAckTimeoutMs: 50 });
    expect(run([], { PARLEY_LIMITS: 'maxPageSize=20' }).limits.maxPageSize).toBe(20);
    expect(() => run(['--limit', 'nope=1'])).toThrow(/unknown limit/);
    expect(() => run(['--limit', 'maxPageSize=-1'])).toThrow(/positive/);
  });

  it.each([
    [['--api-port', '65536']],
    [['--peer-port', '-1']],
    [['--ws-port', '80a']],
    [['--directory', 'ldap']],
    [['--auth', 'basic']],
    [['--log-level', 'loud']],
    [['--heartbeat-ms', '0']],
    [['--advertise', 'host:99999']],
    [['--username', 'x']],
    [['--api-port']],
    [['--api-port', '1', '--api-port', '2']],
    [['--unknown']],
  ])('refuses %j', (argv) => {
    expect(() => run(argv)).toThrow(ConfigError);
  });

  it('keeps positional arguments for the native-messaging launch and ignores --parent-window', () => {
    const parsed = parseCommandLine(['chrome-extension://abc/', '--parent-window=0'], {});
    expect(parsed.kind === 'run' && parsed.positionals).toEqual(['chrome-extension://abc/']);
  });

  it('recognises --help and --version', () => {
    expect(parseCommandLine(['--help'], {}).kind).toBe('help');
    expect(parseCommandLine(['--version'], {}).kind).toBe('version');
  });
});
