import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Testnet } from '../testkit/testnet.js';
import { BROWSER } from './support/browser-under-test.js';
import { ParleyBrowser } from './support/parley-browser.js';
import { shoot, textOf, tid, waitForPhase, waitVisible } from './support/ui.js';

/** What each browser's "install the host" screen must offer: the installer for that very browser. */
const INSTALL_COMMAND = BROWSER === 'firefox' ? 'npm run install-host -- --browser firefox' : 'npm run install-host -- --browser chromium';

describe(`a browser without the native host manifest (${BROWSER})`, () => {
  let net: Testnet;
  let browser: ParleyBrowser;

  beforeAll(async () => {
    net = new Testnet();
    browser = await ParleyBrowser.launch({ browser: BROWSER, root: path.join(net.root, 'browser'), directoryPath: net.directoryPath, install: false });
  });

  afterAll(async () => {
    await browser?.close();
    await net?.close();
  });

  it('shows the install command for this browser in the side panel', async () => {
    const page = await browser.driver.open('sidepanel', { width: 400, height: 720 });
    await waitForPhase(page, 'not-installed');
    await waitVisible(page, tid('host-not-installed'));
    const text = await textOf(page, tid('host-not-installed'));
    expect(text).toContain('Install the Parley host');
    expect(await textOf(page, tid('host-command'))).toBe(INSTALL_COMMAND);
    expect(browser.hostInfo()).toBeNull();
    await shoot(BROWSER, page, 'not-installed-sidepanel');
  });

  it('shows the same in the popup', async () => {
    const page = await browser.driver.open('popup', { width: 360, height: 560 });
    await waitForPhase(page, 'not-installed');
    expect(await textOf(page, tid('host-command'))).toBe(INSTALL_COMMAND);
    await shoot(BROWSER, page, 'not-installed-popup');
    expect(browser.driver.pageErrors).toEqual([]);
  });
});
