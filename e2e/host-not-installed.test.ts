import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Testnet } from '../native-host/test/support/testnet.js';
import { ParleyBrowser } from './support/parley-browser.js';
import { shoot, waitForPhase } from './support/ui.js';

describe('a profile without the native host manifest', () => {
  let net: Testnet;
  let browser: ParleyBrowser;

  beforeAll(async () => {
    net = new Testnet();
    browser = await ParleyBrowser.launch({ root: path.join(net.root, 'browser'), directoryPath: net.directoryPath, install: false });
  });

  afterAll(async () => {
    await browser?.close();
    await net?.close();
  });

  it('shows install instructions in the side panel', async () => {
    const page = await browser.open('sidepanel', { width: 400, height: 720 });
    await waitForPhase(page, 'not-installed');
    const screen = page.getByTestId('host-not-installed');
    await screen.waitFor();
    const text = await screen.innerText();
    expect(text).toContain('Install the Parley host');
    expect(text).toContain('npm run install-host');
    expect(browser.hostInfo()).toBeNull();
    await shoot(page, 'not-installed-sidepanel');
  });

  it('shows the same in the popup', async () => {
    const page = await browser.open('popup', { width: 360, height: 560 });
    await waitForPhase(page, 'not-installed');
    expect(await page.getByTestId('host-not-installed').innerText()).toContain('npm run install-host');
    await shoot(page, 'not-installed-popup');
    expect(browser.pageErrors).toEqual([]);
  });
});
