// @ts-check
/**
 * The extension: size of the built Chromium bundle, and the side panel's
 * first render in real Chromium with 200 contacts and a 500-message chat.
 * Skips (with the reason) when the bundle, Chromium or playwright-core is missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { generateFriends, generateHistory } from '../lib/generate.js';
import { REPO_DIR } from '../lib/hosts.js';
import { median } from '../lib/stats.js';

const EXT_DIR = path.join(REPO_DIR, '.output/chrome-mv3');
const CHROMIUM = '/usr/bin/chromium';
const EXTENSION_ID = 'ndnpjecjpchfkhblceenpbddimcaiheg';
const CONTACTS = 200;
const MESSAGES = 500;
const RENDER_TIMEOUT_MS = 20_000;
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', `--disable-extensions-except=${EXT_DIR}`, `--load-extension=${EXT_DIR}`,
];

/**
 * Every file under `dir` with its size.
 * @param {string} dir
 * @returns {{ file: string, bytes: number }[]}
 */
function listFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath ?? /** @type {any} */ (e).path, e.name);
      return { file: path.relative(dir, file), bytes: fs.statSync(file).size };
    });
}

/**
 * @param {import('../lib/hosts.js').HostNet} net
 * @param {import('../lib/report.js').Report} report
 * @param {{ quick: boolean }} options
 */
export async function runExtension(net, report, options) {
  const missing = ['manifest.json', 'sidepanel.html'].find((f) => !fs.existsSync(path.join(EXT_DIR, f)));
  if (missing) {
    report.skip('extension', `${path.relative(REPO_DIR, EXT_DIR)}/${missing} is missing: build the extension (npm run build:ext)`);
    return;
  }
  const files = listFiles(EXT_DIR);
  const sum = (/** @type {{ bytes: number }[]} */ list) => list.reduce((n, f) => n + f.bytes, 0) / 1024;
  report.add('extension', 'bundle_kb', 'bundle size, all files', sum(files), 'KB', undefined, '.output/chrome-mv3');
  report.add('extension', 'bundle_js_kb', 'bundle size, JavaScript', sum(files.filter((f) => f.file.endsWith('.js'))), 'KB');

  if (!fs.existsSync(CHROMIUM)) return report.skip('extension render', `${CHROMIUM} not found`);
  /** @type {typeof import('playwright-core')} */
  let playwright;
  try {
    playwright = await import('playwright-core');
  } catch (err) {
    return report.skip('extension render', `playwright-core not loadable: ${/** @type {Error} */ (err).message}`);
  }

  // The host the side panel talks to: CONTACTS friends, MESSAGES with the first.
  const owner = await net.start({ username: 'ext-owner' });
  await owner.stop();
  const dbFile = path.join(owner.dataDir, 'parley.db');
  const names = generateFriends(dbFile, 'pal', CONTACTS);
  generateHistory(dbFile, names[0], MESSAGES);
  const host = await net.start({ username: 'ext-owner', dataDir: owner.dataDir });

  // The browser starts its own host through native messaging; that one finds
  // the running host for the same data dir and bridges to it.
  const profile = net.newDataDir('chromium-profile');
  const install = spawnSync(process.execPath, [path.join(REPO_DIR, 'install-scripts/install.js'), '--browser', 'chromium', '--user-data-dir', profile], { encoding: 'utf8' });
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
    env: /** @type {Record<string, string>} */ (env),
  });
  try {
    const runs = [];
    const reps = options.quick ? 1 : 5;
    for (let r = 0; r < reps + 1; r++) runs.push(await renderOnce(context, names));
    // The first load also starts the background worker and the native host bridge.
    const [first, ...warm] = runs;
    const m = (/** @type {'fcp' | 'contacts' | 'chat'} */ key) => median(warm.map((x) => x[key]));
    const note = `${CONTACTS} contacts, ${MESSAGES} messages; median of ${reps} page load(s) after the first`;
    report.add('extension', 'first_load_contacts_ms', 'first load → contact list (cold worker + host link)', first.contacts, 'ms', undefined, 'one run');
    report.add('extension', 'fcp_ms', 'side panel first contentful paint', m('fcp'), 'ms', undefined, note);
    report.add('extension', 'contacts_ms', `navigation → ${CONTACTS} contacts rendered`, m('contacts'), 'ms', undefined, note);
    report.add('extension', 'chat_ms', `click → chat with ${MESSAGES} messages rendered`, m('chat'), 'ms', undefined, note);
    report.detail('extension', { files, runs });
  } finally {
    await context.close();
    await host.stop();
  }
}

/**
 * One load of the side panel: first contentful paint, time until every
 * contact row is on screen, then time from a click on the busy contact until
 * its messages are on screen (all from the page's own clock).
 * @param {import('playwright-core').BrowserContext} context
 * @param {string[]} names
 */
async function renderOnce(context, names) {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${EXTENSION_ID}/sidepanel.html`);
    const last = names[names.length - 1];
    const contacts = await (
      await page.waitForFunction(
        ({ last, count }) =>
          document.querySelector(`[data-testid="contact-${last}"]`) &&
          document.querySelectorAll('[data-testid="contact-list"] > li').length >= count &&
          performance.now(),
        { last, count: names.length },
        { polling: 'raf', timeout: RENDER_TIMEOUT_MS },
      )
    ).jsonValue();
    const chat = await page.evaluate(
      ({ peer, timeoutMs }) =>
        new Promise((resolve, reject) => {
          const start = performance.now();
          /** @type {HTMLElement | null} */ (document.querySelector(`[data-testid="contact-${peer}"]`))?.click();
          const check = () => {
            if (document.querySelector('[data-testid="chat-messages"] [data-testid^="message-"]')) resolve(performance.now() - start);
            else if (performance.now() - start > timeoutMs) reject(new Error('chat did not render'));
            else requestAnimationFrame(check);
          };
          requestAnimationFrame(check);
        }),
      { peer: names[0], timeoutMs: RENDER_TIMEOUT_MS },
    );
    const marks = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      marks: performance.getEntriesByType('mark').map((m) => ({ name: m.name, at: m.startTime })),
      measures: performance.getEntriesByType('measure').map((m) => ({ name: m.name, duration: m.duration })),
    }));
    return { contacts: Number(contacts), chat: Number(chat), ...marks };
  } finally {
    await page.close();
  }
}
