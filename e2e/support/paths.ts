import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_EXTENSION_ORIGIN } from '../../shared/extension-id.js';

/** Where the end-to-end suite finds the built pieces and keeps its output. */
export const REPO_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const EXTENSION_DIR = path.join(REPO_DIR, '.output', 'chrome-mv3');
export const HOST_ENTRY = path.join(REPO_DIR, 'dist', 'native-host', 'src', 'main.js');
export const INSTALLER = path.join(REPO_DIR, 'install-scripts', 'install.js');
export const SCREENSHOT_DIR = path.join(REPO_DIR, 'test-output', 'e2e');
export const CHROMIUM_PATH = process.env.PARLEY_E2E_CHROMIUM ?? '/usr/bin/chromium';

/** The caller origin Chromium passes to a native host it launches (trailing slash included). */
export const CALLER_ORIGIN = `${CHROMIUM_EXTENSION_ORIGIN}/`;

/** URL of one of the extension's pages. */
export function pageUrl(page: 'popup' | 'sidepanel'): string {
  return `${CHROMIUM_EXTENSION_ORIGIN}/${page}.html`;
}
