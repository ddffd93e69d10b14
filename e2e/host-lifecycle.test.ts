import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GECKO_EXTENSION_ID } from '../shared/extension-id.js';
import type { NativeMessage } from '../shared/native-protocol.js';
import { eventually } from '../testkit/eventually.js';
import { Testnet } from '../testkit/testnet.js';
import { BROWSER } from './support/browser-under-test.js';
import { browserLaunchArgs } from './support/install-host.js';
import { NativeClient } from '../native-host/test/support/native-client.js';
import { ParleyBrowser } from './support/parley-browser.js';
import { CALLER_ORIGIN } from './support/paths.js';
import { shoot, tid, waitForPhase, waitVisible } from './support/ui.js';
import { defined } from '../shared/defined.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe(`the browser starts, shares and stops its host (${BROWSER})`, () => {
  let net: Testnet;
  let browser: ParleyBrowser;
  let bridge: NativeClient | null = null;
  let hostPid = 0;

  beforeAll(async () => {
    net = new Testnet();
    browser = await ParleyBrowser.launch({ browser: BROWSER, root: path.join(net.root, 'browser'), directoryPath: net.directoryPath });
  });

  afterAll(async () => {
    bridge?.kill();
    await browser?.close();
    await net?.close();
  });

  it('opening the side panel starts the host through native messaging', async () => {
    expect(defined(browser.installed).allowed).toEqual([BROWSER === 'firefox' ? GECKO_EXTENSION_ID : CALLER_ORIGIN]);
    // The installer wrote its launcher into the test's temp dir (XDG_DATA_HOME), not the user's home.
    expect(defined(browser.installed).launcherPath.startsWith(net.root)).toBe(true);
    const page = await browser.driver.open('sidepanel', { width: 400, height: 720 });
    await waitForPhase(page, 'onboarding');

    const info = await eventually(() => browser.hostInfo(), 15_000, 'host.json in PARLEY_DATA_DIR');
    hostPid = info.pid;
    expect(isAlive(hostPid)).toBe(true);
    expect(info.api_port).toBeGreaterThan(0);
    // The host the page talks to is the one the browser launched, configured by the browser's environment.
    const status = await browser.api().status();
    expect(status.username).toBeNull();
    expect(status.directory.kind).toBe('local');
    expect(browser.hostLog()).toContain(`started by the browser {"browser":"${BROWSER}"`);
    await waitVisible(page, tid('onboarding-setup'));
    await shoot(BROWSER, page, 'lifecycle-01-host-started');
  });

  it('a second browser-launched process bridges to the running host instead of failing', async () => {
    const info = defined(browser.hostInfo());
    bridge = NativeClient.spawn(defined(browser.installed).launcherPath, browserLaunchArgs(BROWSER, defined(browser.installed)), browser.env);
    const hello = (await bridge.waitFor((m) => m.type === 'hello')) as Extract<NativeMessage, { type: 'hello' }>;
    expect(hello.bridged).toBe(true);
    expect(hello.api_port).toBe(info.api_port);
    expect(hello.ws_port).toBe(info.ws_port);
    expect(hello.token).toBe(browser.token());
    expect(hello.username).toBeNull();

    bridge.send({ type: 'request', id: 7, method: 'ping' });
    const pong = await bridge.waitFor((m) => m.type === 'response' && m.id === 7);
    expect(pong).toMatchObject({ ok: true, result: { pong: true } });

    // The browser dropping the port ends the bridge only; the daemon keeps serving.
    bridge.closeInput();
    expect(await bridge.exited()).toBe(0);
    bridge = null;
    expect(isAlive(hostPid)).toBe(true);
    expect(browser.hostInfo()?.pid).toBe(hostPid);
    expect((await browser.api().status()).username).toBeNull();
  });

  it('closing the browser stops the host and removes host.json', async () => {
    await browser.close();
    await eventually(() => !isAlive(hostPid), 15_000, 'the host process to exit');
    await eventually(() => !fs.existsSync(path.join(browser.dataDir, 'host.json')), 5_000, 'host.json to be removed');
    expect(browser.hostLog()).toMatch(/native port closed/);
  });
});
