import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RELAY_ENTRY, startRelayProcess, type RelayProcess } from './support/relay-process.js';
import { eventually } from '../../testkit/eventually.js';
import { Testnet } from '../../testkit/testnet.js';

/** The parley-relay bin as the contract describes it, and hosts using it. */
describe('parley-relay', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-relay-'));
  const net = new Testnet();
  const relays: RelayProcess[] = [];
  const start = async (args: string[]) => {
    const relay = await startRelayProcess(args);
    relays.push(relay);
    return relay;
  };

  afterAll(async () => {
    await net.close();
    await Promise.all(relays.map((r) => r.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prints one `relay <key>` line, keeps its key in a private file, and stops cleanly', async () => {
    const keyFile = path.join(dir, 'keys', 'relay.key');
    const first = await start(['--host', '127.0.0.1', '--port', '0', '--key-file', keyFile]);
    expect(first.stdout).toBe(`relay ${first.key}\n`);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(await first.stop()).toBe(0);
    const again = await start(['--host', '127.0.0.1', '--port', '0', '--key-file', keyFile]);
    expect(again.key).toBe(first.key);
    expect(await again.stop()).toBe(0);
  });

  it('explains itself and refuses bad arguments', () => {
    const help = spawnSync(process.execPath, [RELAY_ENTRY, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--bootstrap HOST:PORT/);
    for (const args of [[], ['--host', '127.0.0.1', '--port', 'x'], ['--host', '127.0.0.1', '--bogus']]) {
      const bad = spawnSync(process.execPath, [RELAY_ENTRY, ...args], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/^parley-relay: /);
    }
  });

  it('bootstraps a network of its own that hosts join and count it as a relay', async () => {
    const boot = await start(['--host', '127.0.0.1', '--port', '0']);
    const second = await start(['--host', '127.0.0.1', '--port', '0', '--bootstrap', boot.address]);
    const host = await net.start({
      username: 'alice',
      args: ['--dht', 'on', '--dht-bootstrap', boot.address, '--relay', second.key, '--relay', boot.key, '--limit', 'relayProbeMs=500'],
    });
    await eventually(async () => (await host.api.status()).network.relays === 2, 20_000, 'both relays answering');
    expect((await host.api.status()).network.dht).toBe('online');
    // A relay that goes away stops counting at the next probe, and is logged; the host carries on.
    expect(await second.stop()).toBe(0);
    await eventually(async () => (await host.api.status()).network.relays === 1, 30_000, 'the stopped relay no longer counted');
    expect(host.stderr).toMatch(/relay does not answer/);
    expect((await host.api.status()).network.dht).toBe('online');
  });
});
