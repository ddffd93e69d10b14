import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { eventually } from '../../native-host/test/support/testnet.js';
import { SCREENSHOT_DIR } from './paths.js';

/** Default bound for a UI condition; host round trips on loopback take milliseconds. */
export const UI_TIMEOUT_MS = 15_000;

export type AppPhase = 'starting' | 'not-installed' | 'unreachable' | 'onboarding' | 'ready';

/** Waits until the page's app root shows `phase`. */
export async function waitForPhase(page: Page, phase: AppPhase, timeoutMs = 30_000): Promise<void> {
  await page.locator(`[data-testid="app-root"][data-phase="${phase}"]`).waitFor({ timeout: timeoutMs });
}

/** Polls until the element's attribute equals `expected`; returns it. */
export async function waitForAttr(locator: Locator, name: string, expected: string, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
  let last: string | null = null;
  try {
    return await eventually(async () => {
      last = await locator.getAttribute(name, { timeout: 500 });
      return last === expected ? last : null;
    }, timeoutMs, `${name}="${expected}"`);
  } catch (err) {
    throw new Error(`${(err as Error).message} (last ${name}=${JSON.stringify(last)} on ${String(locator)})`);
  }
}

/** Polls until the element's text (trimmed) equals `expected`. */
export async function waitForText(locator: Locator, expected: string, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
  let last: string | null = null;
  try {
    return await eventually(async () => {
      last = (await locator.textContent({ timeout: 500 }))?.trim() ?? null;
      return last === expected ? last : null;
    }, timeoutMs, `text "${expected}"`);
  } catch (err) {
    throw new Error(`${(err as Error).message} (last text ${JSON.stringify(last)} on ${String(locator)})`);
  }
}

/** Polls until `check(count)` holds for the number of matching elements; returns the count. */
export async function waitForCount(locator: Locator, check: (n: number) => boolean, timeoutMs = UI_TIMEOUT_MS): Promise<number> {
  let last = -1;
  try {
    const found = await eventually(async () => {
      last = await locator.count();
      return check(last) ? { count: last } : null;
    }, timeoutMs, 'element count');
    return found.count;
  } catch (err) {
    throw new Error(`${(err as Error).message} (last count ${last} of ${String(locator)})`);
  }
}

/** Message bubbles inside the open chat. */
export function bubbles(page: Page): Locator {
  return page.getByTestId('chat-messages').locator('[data-testid^="message-"]');
}

/**
 * Saves the page as `<name>-light.png` and `<name>-dark.png` under
 * test-output/e2e/, switching the emulated colour scheme (the app's
 * default theme follows the system).
 */
export async function shoot(page: Page, name: string): Promise<string[]> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const files: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const file = path.join(SCREENSHOT_DIR, `${name}-${scheme}.png`);
    await page.screenshot({ path: file, animations: 'disabled' });
    files.push(file);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return files;
}
