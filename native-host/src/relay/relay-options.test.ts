import { describe, expect, it } from 'vitest';
import { DEFAULT_RELAY_PORT, parseRelayArgs, RelayArgsError } from './relay-options.js';

describe('parley-relay options', () => {
  it('starts a new network on --host, or joins one with --bootstrap', () => {
    expect(parseRelayArgs(['--host', '203.0.113.1'])).toEqual({
      kind: 'run',
      options: { host: '203.0.113.1', port: DEFAULT_RELAY_PORT, bootstrap: [], keyFile: null },
    });
    expect(parseRelayArgs(['--port', '0', '--bootstrap', '203.0.113.1:49737', '--bootstrap=boot.example:1', '--key-file', '/k'])).toEqual({
      kind: 'run',
      options: { host: null, port: 0, bootstrap: ['203.0.113.1:49737', 'boot.example:1'], keyFile: '/k' },
    });
    expect(parseRelayArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it('refuses what it cannot use', () => {
    for (const argv of [[], ['--host', 'relay.example'], ['--host', '1.2.3.4', '--port', '70000'], ['--bootstrap', 'x'], ['--host', '1.2.3.4', '--nope']]) {
      expect(() => parseRelayArgs(argv)).toThrow(RelayArgsError);
    }
  });
});
