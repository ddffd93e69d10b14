import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import type { MessagesResponse } from '../../shared/contract.js';
import { HOST_ENTRY } from '../../testkit/repo.js';
import { spawnHost } from '../../testkit/test-host.js';
import { Testnet } from '../../testkit/testnet.js';
import { defined } from '../../shared/defined.js';

describe('host lifecycle', () => {
  const net = new Testnet();
  afterAll(() => net.close());

  it('keeps identity, friends and history across a restart; host.json only while running', async () => {
    await net.start({ username: 'dora' }).then((h) => h.stop());
    const first = await net.start({ username: 'eve' });
    const hostJson = path.join(first.dataDir, 'host.json');
    expect(JSON.parse(fs.readFileSync(hostJson, 'utf8'))).toMatchObject({ pid: first.child.pid, api_port: first.info.api_port });
    await first.api.addFriend('dora');
    await first.api.send('dora', 'kept across restarts');
    const status = await first.api.status();
    expect(await first.stop()).toBe(0);
    expect(fs.existsSync(hostJson)).toBe(false);

    const second = await net.restart(first);
    const again = await second.api.status();
    expect(again.username).toBe('eve');
    expect(again.fingerprint).toBe(status.fingerprint);
    expect((await second.api.friends()).map((f) => f.username)).toEqual(['dora']);
    const history: MessagesResponse = await second.api.messages('dora');
    expect(history.messages.map((m) => m.text)).toEqual(['kept across restarts']);
  });

  it('a second host on the same data dir exits 3 with a clear message', async () => {
    const first = await net.start({ username: 'frank' });
    const second = spawnHost(first.dataDir, net.hostArgs({}));
    expect(await second.exited()).toBe(3);
    expect(second.stderr).toMatch(/already running/);
    expect((await first.api.status()).username).toBe('frank');
  });

  it('takes over the lock of a host that was killed', async () => {
    const first = await net.start({ username: 'gina' });
    await first.crash();
    const second = await net.restart(first);
    expect((await second.api.status()).username).toBe('gina');
  });

  it('keeps serving, without spinning, and stops cleanly when its stderr has gone away', async () => {
    const host = await net.start({ username: 'lena', args: ['--log-level', 'debug'] });
    // The reader of stderr goes away (a terminal closed, a parent killed): writes now fail with EPIPE.
    defined(host.child.stderr).destroy();
    for (let i = 0; i < 20; i++) await host.api.messages('nobody').catch(() => undefined);
    expect((await host.api.status()).username).toBe('lena');
    const before = cpuTicks(defined(host.child.pid));
    await new Promise((r) => setTimeout(r, 1000));
    // An idle host uses a few ticks a second at most; a write/error loop uses them all.
    expect(cpuTicks(defined(host.child.pid)) - before).toBeLessThan(20);
    expect(await host.stop()).toBe(0);
  });

  it('refuses another username on a data dir already set up', async () => {
    const first = await net.start({ username: 'hank' });
    await first.stop();
    const other = spawnHost(first.dataDir, net.hostArgs({ username: 'ivan' }));
    expect(await other.exited()).toBe(2);
    expect(other.stderr).toMatch(/belongs to 'hank'/);
  });

  it.each([
    [['--api-port', '70000'], /api-port/],
    [['--api-port', 'abc'], /api-port/],
    [['--directory', 'cloud'], /unknown directory kind/],
    [['--auth', 'maybe'], /auth/],
    [['--username', '../etc'], /username/],
    [['--bogus'], /unknown option/],
  ])('exits 2 on invalid options %j', (args, message) => {
    const run = spawnSync(process.execPath, [HOST_ENTRY, ...args], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('--help lists every option on stderr', () => {
    const run = spawnSync(process.execPath, [HOST_ENTRY, '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    for (const option of ['--data-dir', '--api-port', '--ws-port', '--peer-port', '--advertise', '--directory', '--supabase-url', '--auth', '--allow-origin']) {
      expect(run.stderr).toContain(option);
    }
    expect(run.stdout).toBe('');
  });
});

/** User + system CPU time of a process so far, in clock ticks (/proc/<pid>/stat). */
function cpuTicks(pid: number): number {
  const fields = defined(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}
