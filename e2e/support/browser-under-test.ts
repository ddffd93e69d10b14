import type { BrowserKind } from './driver.js';

/**
 * The browser this run drives. Each vitest project of the end-to-end level
 * sets PARLEY_E2E_BROWSER (see vitest.config.ts), so every scenario file is
 * written once and runs in each browser.
 */
export const BROWSER: BrowserKind = readBrowser(process.env.PARLEY_E2E_BROWSER);

function readBrowser(value: string | undefined): BrowserKind {
  if (value === undefined || value === '' || value === 'chromium') return 'chromium';
  if (value === 'firefox') return 'firefox';
  throw new Error(`PARLEY_E2E_BROWSER must be chromium or firefox, not '${value}'`);
}
