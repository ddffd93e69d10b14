import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { Testnet } from '../../testkit/testnet.js';
import type { TestHost } from '../../testkit/test-host.js';
import { BROWSER } from './browser-under-test.js';
import type { UiPage } from './driver.js';
import { ParleyBrowser } from './parley-browser.js';

export interface ChatSetting {
  net: Testnet;
  friend: TestHost;
  browser: ParleyBrowser;
  panel: UiPage;
}

/**
 * What every chat scenario starts from: a test net with the friend's host,
 * and the browser under test with its side panel open, all closed after the
 * file's tests. Call it at describe level; the fields are there once its
 * beforeAll has run.
 */
export function chatSetting(friendName: string, panelSize: { width: number; height: number }): ChatSetting {
  const setting = {} as ChatSetting;
  beforeAll(async () => {
    setting.net = new Testnet();
    setting.friend = await setting.net.start({ username: friendName });
    setting.browser = await ParleyBrowser.launch({ browser: BROWSER, root: path.join(setting.net.root, 'browser'), directoryPath: setting.net.directoryPath });
    setting.panel = await setting.browser.driver.open('sidepanel', panelSize);
  });
  afterAll(async () => {
    await setting.browser?.close();
    await setting.net?.close();
  });
  return setting;
}
