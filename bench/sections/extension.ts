/**
 * The extension: size of the built Chromium bundle, and the side panel's
 * first render in real Chromium with 200 contacts and a 500-message chat,
 * then with 2,000 contacts and a 10,000-message chat, and how smoothly that
 * chat scrolls up through its history. Skips (with the reason) when the
 * bundle, Chromium or playwright-core is missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { PerformanceResourceTiming } from 'node:perf_hooks';
import type * as Playwright from 'playwright-core';
import { REPO_DIR } from '../../testkit/repo.js';
import type { TestHost } from '../../testkit/test-host.js';
import type { Testnet } from '../../testkit/testnet.js';
import { generateFriends, generateHistory } from '../lib/generate.js';
import type { Report } from '../lib/report.js';
import { median } from '../lib/stats.js';

const EXT_DIR = path.join(REPO_DIR, '.output/chrome-mv3');
const CHROMIUM = '/usr/bin/chromium';
const EXTENSION_ID = 'ndnpjecjpchfkhblceenpbddimcaiheg';
/** The sizes measured: the first is the original figure, kept for comparison. */
const SIZES = [
  { contacts: 200, messages: 500, suffix: '' },
  { contacts: 2000, messages: 10_000, suffix: '_large' },
];

// The page functions below run in Chromium, not in Node: the few DOM names
// they use, declared here rather than the DOM library for the whole build.
interface PageElement {
  click(): void;
  scrollTop: number;
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelector(selectors: string): PageElement | null;
  querySelectorAll(selectors: string): ArrayLike<PageElement> & Iterable<PageElement>;
};
declare function requestAnimationFrame(callback: () => void): number;

/** Frame intervals while scrolling a chat up, and how many messages it passed. */
interface ScrollFigures {
  p50: number;
  p95: number;
  max: number;
  reached: number;
}

/** Rows that fill the side panel: the list is "rendered" when this many are in the DOM. */
const ROWS_ON_SCREEN = 10;
/** The scroll test: this many pixels per frame, for this many frames. */
const SCROLL_STEP_PX = 300;
const SCROLL_FRAMES = 240;
/** Longest wait for the host to be idle before a click. */
const QUIET_TIMEOUT_MS = 60_000;
const RENDER_TIMEOUT_MS = 20_000;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', `--disable-extensions-except=${EXT_DIR}`, `--load-extension=${EXT_DIR}`,
];

/**
 * Every file under `dir` with its size.
 */
function listFiles(dir: string): Array<{ file: string; bytes: number }> {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return { file: path.relative(dir, file), bytes: fs.statSync(file).size };
    });
}

export async function runExtension(net: Testnet, report: Report, options: { quick: boolean }) {
  const missing = ['manifest.json', 'sidepanel.html'].find((f) => !fs.existsSync(path.join(EXT_DIR, f)));
  if (missing) {
    report.skip('extension', `${path.relative(REPO_DIR, EXT_DIR)}/${missing} is missing: build the extension (npm run build:ext)`);
    return;
  }
  const files = listFiles(EXT_DIR);
  const sum = (list: Array<{ bytes: number }>) => list.reduce((n, f) => n + f.bytes, 0) / 1024;
  report.add('extension', 'bundle_kb', 'bundle size, all files', sum(files), 'KB', undefined, '.output/chrome-mv3');
  report.add('extension', 'bundle_js_kb', 'bundle size, JavaScript', sum(files.filter((f) => f.file.endsWith('.js'))), 'KB');

  if (!fs.existsSync(CHROMIUM)) return report.skip('extension render', `${CHROMIUM} not found`);
  let playwright: typeof Playwright;
  try {
    playwright = await import('playwright-core');
  } catch (err) {
    return report.skip('extension render', `playwright-core not loadable: ${err instanceof Error ? err.message : String(err)}`);
  }

  for (const size of SIZES) await measureSize(net, report, options, playwright, size);
  report.detail('extension', { files });
}

/**
 * The side panel against a host with `size.contacts` friends and
 * `size.messages` messages with the first of them.
 */
async function measureSize(net: Testnet, report: Report, options: { quick: boolean }, playwright: typeof Playwright, size: (typeof SIZES)[number]) {
  const owner = await net.start({ username: `ext-owner${size.suffix.replace('_', '-')}` });
  await owner.stop();
  const dbFile = path.join(owner.dataDir, 'parley.db');
  const names = generateFriends(dbFile, 'pal', size.contacts);
  const [busiest = ''] = names;
  generateHistory(dbFile, busiest, size.messages);
  const host = await net.start({ username: `ext-owner${size.suffix.replace('_', '-')}`, dataDir: owner.dataDir });

  // The browser starts its own host through native messaging; that one finds
  // the running host for the same data dir and bridges to it.
  const profile = net.newDataDir('chromium-profile');
  const install = spawnSync(process.execPath, [path.join(REPO_DIR, 'dist/install-scripts/install.js'), '--browser', 'chromium', '--user-data-dir', profile], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`install-host failed: ${install.stderr || install.stdout}`);
  const env = {
    ...process.env,
    PARLEY_DATA_DIR: host.dataDir,
    PARLEY_DIRECTORY: 'local',
    PARLEY_DIRECTORY_PATH: net.directoryPath,
    PARLEY_LOG_LEVEL: 'warn',
  };
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ['--disable-extensions'],
    env: env as Record<string, string>,
  });
  try {
    const runs = [];
    const reps = options.quick ? 1 : 5;
    for (let r = 0; r < reps + 1; r++) runs.push(await renderOnce(context, names, r === reps, () => waitQuiet(host)));
    // The first load also starts the background worker and the native host bridge.
    const [first, ...warm] = runs;
    const m = (key: 'fcp' | 'contacts' | 'contactsRender' | 'chat' | 'chatRender' | 'busy') => median(warm.map((x) => x[key]));
    const { contacts, messages, suffix } = size;
    const note = `${contacts} contacts, ${messages} messages; median of ${reps} page load(s) after the first`;
    const id = (name: string) => (suffix ? `${name.replace(/_ms$/, '')}${suffix}_ms` : name);
    report.add('extension', id('first_load_contacts_ms'), `first load → contact list, ${contacts} contacts (cold worker + host link)`, first?.contacts ?? NaN, 'ms', undefined, 'one run');
    report.add('extension', id('fcp_ms'), `side panel first contentful paint, ${contacts} contacts`, m('fcp'), 'ms', undefined, note);
    report.add('extension', id('contacts_ms'), `navigation → ${contacts} contacts list on screen`, m('contacts'), 'ms', undefined, note);
    report.add('extension', id('contacts_render_ms'), `${contacts} contacts: GET /friends answered → list on screen`, m('contactsRender'), 'ms', undefined, note);
    report.add('extension', id('chat_ms'), `click → chat with ${messages.toLocaleString('en')} messages rendered`, m('chat'), 'ms', undefined, note);
    report.add('extension', id('chat_render_ms'), `${messages.toLocaleString('en')}-message chat: page answered → messages on screen`, m('chatRender'), 'ms', undefined, note);
    report.add('extension', id('host_busy_ms'), `host busy after a page load, ${contacts} contacts (background unread scan)`, m('busy'), 'ms', undefined, 'contacts on screen → GET /status answers in < 15 ms three times running');
    const scroll = runs.at(-1)?.scroll;
    if (scroll && suffix) {
      const scrollNote = `${SCROLL_FRAMES} frames scrolling up ${SCROLL_STEP_PX} px each, last page load`;
      report.add('extension', 'scroll_frame_p50_ms', 'scrolling up a long chat: frame interval p50', scroll.p50, 'ms', undefined, scrollNote);
      report.add('extension', 'scroll_frame_p95_ms', 'scrolling up a long chat: frame interval p95', scroll.p95, 'ms', undefined, scrollNote);
      report.add('extension', 'scroll_frame_max_ms', 'scrolling up a long chat: longest frame', scroll.max, 'ms', undefined, scrollNote);
      report.add('extension', 'scroll_messages', 'scrolling up a long chat: messages scrolled past', scroll.reached, '', undefined, 'from aria-posinset of the rows on screen');
    }
    report.detail('extension', { [`runs${suffix}`]: runs });
  } finally {
    await context.close();
    await host.stop();
  }
}

/**
 * One load of the side panel: first contentful paint, time until the
 * contact list fills the screen (the first contact and ROWS_ON_SCREEN rows
 * in the DOM: a list that renders every row has them all by then), then
 * time from a click on the busy contact until its messages are on screen
 * (all from the page's own clock); with `scroll`, frame intervals while
 * scrolling that chat up.
 */
async function renderOnce(context: Playwright.BrowserContext, names: string[], scroll: boolean, settle: () => Promise<number>) {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${EXTENSION_ID}/sidepanel.html`);
    const contacts = await (
      await page.waitForFunction(
        ({ first, count }) =>
          document.querySelector(`[data-testid="contact-${first}"]`) &&
          document.querySelectorAll('[data-testid="contact-list"] > li').length >= count &&
          performance.now(),
        { first: names[0], count: Math.min(names.length, ROWS_ON_SCREEN) },
        { polling: 'raf', timeout: RENDER_TIMEOUT_MS },
      )
    ).jsonValue();
    // Opening a page makes the background re-count unread messages, one
    // history request per friend: the click waits for the host to be idle
    // again, so the figure is the chat's, and the wait is reported beside it.
    const busy = await settle();
    const chat = await page.evaluate(
      ({ peer, timeoutMs }) =>
        new Promise((resolve, reject) => {
          const start = performance.now();
          document.querySelector(`[data-testid="contact-${peer}"]`)?.click();
          const check = () => {
            if (document.querySelector('[data-testid="chat-messages"] [data-testid^="message-"]')) resolve({ start, end: performance.now() });
            else if (performance.now() - start > timeoutMs) reject(new Error('chat did not render'));
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }),
      { peer: names[0], timeoutMs: RENDER_TIMEOUT_MS },
    );
    const { start, end } = chat as { start: number; end: number };
    // The render alone: from the answer the view waited for (the last one in
    // before its rows were on screen) to those rows on screen.
    const answered = await page.evaluate(({ clickAt, listAt, chatAt }) => {
      const done = (re: RegExp, after: number, before: number) => Math.max(
        -Infinity,
        ...performance.getEntriesByType('resource')
          .map((r) => r as PerformanceResourceTiming)
          .filter((r) => re.test(r.name) && r.startTime >= after && r.responseEnd <= before)
          .map((r) => r.responseEnd),
      );
      return { list: done(/\/friends$/, 0, listAt), chat: done(/\/messages\?/, clickAt, chatAt) };
    }, { clickAt: start, listAt: Number(contacts), chatAt: end });
    const marks = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      marks: performance.getEntriesByType('mark').map((m) => ({ name: m.name, at: m.startTime })),
      measures: performance.getEntriesByType('measure').map((m) => ({ name: m.name, duration: m.duration })),
    }));
    return {
      contacts: Number(contacts),
      contactsRender: Number(contacts) - answered.list,
      chat: end - start,
      chatRender: end - answered.chat,
      busy,
      ...marks,
      scroll: scroll ? await scrollUp(page) : null,
    };
  } finally {
    await page.close();
  }
}

/**
 * Scrolls the open chat up SCROLL_STEP_PX per animation frame and reports
 * the frame intervals (a long one is a visible stutter) and how many
 * messages from the newest the view reached.
 */
async function scrollUp(page: Playwright.Page): Promise<ScrollFigures> {
  await page.waitForTimeout(300);
  return page.evaluate(
    ({ step, frames }) =>
      new Promise<ScrollFigures>((resolve) => {
        const el = document.querySelector('[data-testid="chat-messages"]') as PageElement;
        const gaps: number[] = [];
        let last = performance.now();
        let left = frames;
        const positions = () => [...document.querySelectorAll('[data-testid="chat-messages"] [aria-posinset]')].map((r) => Number(r.getAttribute('aria-posinset')));
        const newest = Math.max(0, ...positions());
        const tick = () => {
          const now = performance.now();
          gaps.push(now - last);
          last = now;
          el.scrollTop -= step;
          if (--left > 0) return requestAnimationFrame(tick);
          gaps.sort((a, b) => a - b);
          const at = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor((p / 100) * gaps.length))] ?? NaN;
          const reached = newest ? newest - Math.min(...positions()) : NaN;
          resolve({ p50: at(50), p95: at(95), max: at(100), reached });
        };
        requestAnimationFrame(tick);
      }),
    { step: SCROLL_STEP_PX, frames: SCROLL_FRAMES },
  );
}

/**
 * Waits until the host answers GET /status quickly three times running
 * (nothing queued ahead of it); returns how long that took.
 */
async function waitQuiet(host: TestHost): Promise<number> {
  const start = performance.now();
  let quiet = 0;
  while (quiet < 3 && performance.now() - start < QUIET_TIMEOUT_MS) {
    const at = performance.now();
    await host.http.ok('GET', '/status');
    quiet = performance.now() - at < 15 ? quiet + 1 : 0;
    if (quiet < 3) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - start;
}
