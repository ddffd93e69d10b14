/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { eventually } from '../../testkit/eventually.js';
import { type BrowserKind, callExpression, type PanelProbe, type UiPage } from './driver.js';
import { type AxeResult, assertNoViolations, type EvaluateSource, recordAxe, runAxe } from './axe.js';
import { screenshotDir } from './paths.js';

/** Default bound for a UI condition; host round trips on loopback take milliseconds. */
export const UI_TIMEOUT_MS = 15_000;

export type AppPhase = 'starting' | 'not-installed' | 'unreachable' | 'onboarding' | 'recovery-code' | 'ready';

/** CSS selector of an element by its data-testid. */
export function tid(id: string): string {
  return `[data-testid="${id}"]`;
}

/** The rendered rows of the (virtual) message list; each carries aria-posinset/aria-setsize of the whole chat. */
export const ROWS = `${tid('chat-messages')} [role="listitem"]`;
/** Message bubbles inside the open chat. */
export const BUBBLES = `${tid('chat-messages')} [data-testid^="message-"]`;

interface Probe {
  count: number;
  text: string | null;
  attr: string | null;
  visible: boolean;
}

/** What the page shows for `selector` now: count, and text / attribute / visibility of the first match. */
function probe(page: UiPage, selector: string, attr: string | null = null): Promise<Probe> {
  return page.evaluate(({ selector, attr }) => {
    const all = document.querySelectorAll(selector);
    const el = all[0] as HTMLElement | undefined;
    return {
      count: all.length,
      text: el ? (el.textContent ?? '').trim() : null,
      attr: el && attr ? el.getAttribute(attr) : null,
      visible: !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden',
    };
  }, { selector, attr });
}

/** Polls `read` until `done` holds; the error says what was seen last. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs: number): Promise<T> {
  let last: T | undefined;
  try {
    return await eventually(async () => {
      last = await read();
      return done(last) ? { value: last } : null;
    }, timeoutMs, what).then((r) => r.value);
  } catch (err) {
    throw new Error(`${(err as Error).message} (last seen ${JSON.stringify(last)})`);
  }
}

export function waitForPhase(page: UiPage, phase: AppPhase, timeoutMs = 30_000): Promise<unknown> {
  return until(() => probe(page, tid('app-root'), 'data-phase'), (p) => p.attr === phase, `phase ${phase}`, timeoutMs);
}

/** Waits until an element matches (and is rendered). */
export function waitVisible(page: UiPage, selector: string, timeoutMs = UI_TIMEOUT_MS): Promise<unknown> {
  return until(() => probe(page, selector), (p) => p.visible, `${selector} visible`, timeoutMs);
}

/** Waits until nothing matches. */
export function waitGone(page: UiPage, selector: string, timeoutMs = UI_TIMEOUT_MS): Promise<unknown> {
  return until(() => probe(page, selector), (p) => p.count === 0, `${selector} gone`, timeoutMs);
}

export async function waitForAttr(page: UiPage, selector: string, name: string, expected: string, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
  await until(() => probe(page, selector, name), (p) => p.attr === expected, `${selector} ${name}="${expected}"`, timeoutMs);
  return expected;
}

export async function waitForText(page: UiPage, selector: string, expected: string, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
  await until(() => probe(page, selector), (p) => p.text === expected, `${selector} text "${expected}"`, timeoutMs);
  return expected;
}

/** Polls until `check(count)` holds for the number of matches; returns the count. */
export async function waitForCount(page: UiPage, selector: string, check: (n: number) => boolean, timeoutMs = UI_TIMEOUT_MS): Promise<number> {
  return (await until(() => probe(page, selector), (p) => check(p.count), `count of ${selector}`, timeoutMs)).count;
}

export async function textOf(page: UiPage, selector: string): Promise<string | null> {
  return (await probe(page, selector)).text;
}

export async function attrOf(page: UiPage, selector: string, name: string): Promise<string | null> {
  return (await probe(page, selector, name)).attr;
}

export async function countOf(page: UiPage, selector: string): Promise<number> {
  return (await probe(page, selector)).count;
}

export async function isVisible(page: UiPage, selector: string): Promise<boolean> {
  return (await probe(page, selector)).visible;
}

/** The same checks against the real side panel / sidebar. */
export const panelRead = {
  text: (panel: PanelProbe, selector: string) =>
    panel.query((doc, sel) => (doc.querySelector(sel)?.textContent ?? '').trim() || null, selector),
  attr: (panel: PanelProbe, selector: string, name: string) =>
    panel.query((doc, a) => doc.querySelector(a.selector)?.getAttribute(a.name) ?? null, { selector, name }),
};

const THEMES = ['light', 'dark'] as const;

/**
 * Every screenshot step: `<name>-light.png` and `<name>-dark.png` under
 * test-output/e2e/<browser>/, using the app's own theme switch (the
 * data-theme attribute), which works the same in both browsers. In each
 * theme axe checks the page for WCAG 2.1 A/AA violations; any fails the step.
 */
export async function shoot(kind: BrowserKind, page: UiPage, name: string): Promise<string[]> {
  const apply = (theme: string | null) => page.evaluateSource(callExpression(applyTheme, 'document', theme));
  return shootThemes(kind, name, apply, (file) => page.screenshot(file), (expr) => page.evaluateSource(expr));
}

/** The same for the real side panel, where the browser can capture it (and so check it). */
export async function shootPanel(kind: BrowserKind, panel: PanelProbe, name: string): Promise<string[]> {
  return shootThemes(kind, name, (theme) => panel.query(applyTheme, theme), (file) => panel.screenshot(file), panel.evaluateSource);
}

async function shootThemes(
  kind: BrowserKind,
  name: string,
  apply: (theme: string | null) => Promise<unknown>,
  capture: (file: string) => Promise<unknown>,
  evaluate: EvaluateSource,
): Promise<string[]> {
  const dir = screenshotDir(kind);
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const themes: string[] = [];
  for (const theme of THEMES) {
    await apply(theme);
    const file = path.join(dir, `${name}-${theme}.png`);
    if ((await capture(file)) === false) break;
    files.push(file);
    themes.push(theme);
  }
  // Checked after every picture is taken, so the pictures show the moment the step chose.
  const results: AxeResult[] = [];
  for (const theme of themes.reverse()) {
    await apply(theme);
    results.push({ browser: kind, screen: name, theme, violations: await runAxe(evaluate) });
  }
  await apply(null);
  recordAxe(results);
  assertNoViolations(results);
  return files;
}

/** Runs in the page: forces a theme (null restores the user's), then waits two frames for it to paint. */
function applyTheme(doc: Document, theme: string | null): Promise<boolean> {
  const root = doc.documentElement;
  if (theme) {
    root.dataset.parleySavedTheme ??= root.dataset.theme ?? '';
    root.dataset.theme = theme;
  } else if (root.dataset.parleySavedTheme !== undefined) {
    const saved = root.dataset.parleySavedTheme;
    delete root.dataset.parleySavedTheme;
    if (saved) root.dataset.theme = saved;
    else delete root.dataset.theme;
  }
  const view = doc.defaultView;
  if (!view) throw new Error('the document has no window');
  const frame = (fn: () => void) => view.requestAnimationFrame(fn);
  return new Promise((resolve) => frame(() => frame(() => resolve(true))));
}

/** Onboarding as a new user does it: claims `name`, confirms the recovery code was written down, and waits for the app. */
export async function claimName(page: UiPage, name: string): Promise<void> {
  await waitForPhase(page, 'onboarding');
  await page.fill(tid('onboarding-username'), name);
  await page.click(tid('onboarding-submit'));
  await waitForPhase(page, 'recovery-code');
  await page.click(tid('recovery-written'));
  await page.click(tid('recovery-done'));
  await waitForPhase(page, 'ready');
}
