import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../shared/extension-id.js';
import type { BrowserKind, ExtensionPageName } from './driver.js';

/** Where the end-to-end suite finds the built pieces and keeps its output. */
export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM_EXTENSION_DIR = path.join(REPO_DIR, '.output', 'chrome-mv3');
export const FIREFOX_EXTENSION_DIR = path.join(REPO_DIR, '.output', 'firefox-mv2');
export const INSTALLER = path.join(REPO_DIR, 'dist', 'install-scripts', 'install.js');
export const CHROMIUM_PATH = process.env.PARLEY_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX_PATH = process.env.PARLEY_E2E_FIREFOX ?? '/usr/bin/firefox-esr';

/** Firefox gives each add-on a random internal UUID; the suite pins it (a pref) to know the pages' URLs. */
export const FIREFOX_EXTENSION_UUID = '3b1f8c2e-6a47-4d55-9c1e-0f2a7b9d4e61';

/** The caller origin Chromium passes to a native host it launches (trailing slash included). */
export const CALLER_ORIGIN = `${CHROMIUM_EXTENSION_ORIGIN}/`;

/** Screenshots of one browser: test-output/e2e/<browser>/. */
export function screenshotDir(kind: BrowserKind): string {
  return path.join(REPO_DIR, 'test-output', 'e2e', kind);
}

/** URL of one of the extension's pages. */
export function extensionPageUrl(kind: BrowserKind, page: ExtensionPageName): string {
  const origin = kind === 'firefox' ? `moz-extension://${FIREFOX_EXTENSION_UUID}` : CHROMIUM_EXTENSION_ORIGIN;
  return `${origin}/${page}.html`;
}
