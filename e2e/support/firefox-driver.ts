/// <reference lib="dom" />
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { eventually } from '../../testkit/eventually.js';
import { type BrowserDriver, callExpression, type ExtensionPageName, type PanelProbe, readBadgeInPage, type UiPage, type Viewport } from './driver.js';
import { extensionPageUrl, FIREFOX_EXTENSION_DIR, FIREFOX_EXTENSION_UUID, FIREFOX_PATH } from './paths.js';
import { GECKO_EXTENSION_ID } from '../../shared/extension-id.js';

/** How long the browser may take to start, and a page to load. */
const LAUNCH_TIMEOUT_MS = 30_000;
const LOAD_TIMEOUT_MS = 15_000;

/**
 * Debian's Firefox ESR with the built MV2 add-on, driven by Puppeteer over
 * WebDriver BiDi. The add-on is installed as a temporary add-on (no signing
 * needed, native messaging works); Firefox reads the host manifest from
 * `$HOME/.mozilla/native-messaging-hosts`, so `env.HOME` is the test's own.
 */
export class FirefoxDriver implements BrowserDriver {
  readonly kind = 'firefox' as const;
  readonly pageErrors: string[] = [];
  private readonly pages: FirefoxPage[] = [];

  private constructor(
    private readonly browser: Browser,
    readonly downloadDir: string,
  ) {}

  static async launch(profileDir: string, env: Record<string, string>, downloadDir: string): Promise<FirefoxDriver> {
    const browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX_PATH,
      headless: true,
      userDataDir: profileDir,
      timeout: LAUNCH_TIMEOUT_MS,
      // Without it BiDi refuses to script moz-extension:// pages.
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: {
        // A fixed internal UUID gives the add-on's pages known URLs.
        'extensions.webextensions.uuids': JSON.stringify({ [GECKO_EXTENSION_ID]: FIREFOX_EXTENSION_UUID }),
        // Downloads go straight to the test's folder, with no dialog.
        'browser.download.folderList': 2,
        'browser.download.dir': downloadDir,
        'browser.download.useDownloadDir': true,
        'browser.download.always_ask_before_handling_new_types': false,
        'browser.download.start_downloads_in_tmp_dir': false,
      },
      env: { ...process.env, ...env },
    });
    try {
      await browser.installExtension(FIREFOX_EXTENSION_DIR);
    } catch (err) {
      await browser.close().catch(() => {});
      throw err;
    }
    return new FirefoxDriver(browser, downloadDir);
  }

  async open(name: ExtensionPageName, viewport: Viewport): Promise<UiPage> {
    const page = await this.browser.newPage();
    page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${(err as Error).message}`));
    await page.setViewport(viewport);
    const url = extensionPageUrl('firefox', name);
    // page.goto on a moz-extension:// URL never resolves in ESR: start it and watch the document instead.
    void page.goto(url).catch(() => {});
    await waitForDocument(page, (doc) => doc.href === url);
    const ui = new FirefoxPage(page);
    this.pages.push(ui);
    return ui;
  }

  async openPanelFrom(page: UiPage, selector: string): Promise<PanelProbe> {
    const opener = page as FirefoxPage;
    await page.click(selector);
    // Extension pages share one process in Firefox, so the opener can reach the sidebar's document.
    const sidebarDoc = "browser.extension.getViews({ type: 'sidebar' })[0]?.document";
    await eventually(() => opener.evaluateSource<boolean>(`!!(${sidebarDoc})`), LOAD_TIMEOUT_MS, 'the Firefox sidebar to open');
    return {
      query: (fn, arg) => opener.evaluateSource(callExpression(fn, sidebarDoc, arg)),
      // The sidebar lives in the browser's own window, which BiDi does not capture.
      screenshot: async () => false,
      // Never reached: shots of the panel stop where `screenshot` gives false.
      evaluateSource: () => Promise.reject(new Error('BiDi cannot evaluate in the Firefox sidebar')),
      close: async () => {},
    };
  }

  async badge(): Promise<string> {
    const page = this.pages.find((p) => !p.isClosed());
    if (!page) throw new Error('no open extension page to read the badge from');
    return page.evaluate(readBadgeInPage);
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => {});
  }
}

interface DocState {
  href: string;
  ready: string;
  marked: boolean;
}

/** Polls the page until its document has loaded and `check` holds. */
async function waitForDocument(page: Page, check: (doc: DocState) => boolean): Promise<void> {
  await eventually(async () => {
    const doc = await page
      .evaluate(() => ({ href: location.href, ready: document.readyState, marked: 'parleyReloadMark' in window }))
      .catch(() => null);
    return doc !== null && doc.ready === 'complete' && check(doc);
  }, LOAD_TIMEOUT_MS, `${page.url()} to load`);
}

class FirefoxPage implements UiPage {
  constructor(private readonly page: Page) {}

  click(selector: string) {
    return this.page.click(selector);
  }

  async fill(selector: string, text: string) {
    await this.page.$eval(selector, (el) => (el as HTMLInputElement).select());
    await this.page.keyboard.press('Backspace');
    await this.page.keyboard.type(text);
  }

  async type(selector: string, text: string, delayMs = 0) {
    await this.page.focus(selector);
    await this.page.keyboard.type(text, { delay: delayMs });
  }

  async press(selector: string | null, key: string) {
    if (selector) await this.page.focus(selector);
    // Playwright's names, as the scenarios write them: 'Shift+Tab' holds the modifiers; BiDi knows Space as ' '.
    const parts = key.split('+').map((k) => (k === 'Space' ? ' ' : k) as Parameters<Page['keyboard']['press']>[0]);
    const main = parts.pop();
    if (!main) throw new Error(`no key in "${key}"`);
    for (const modifier of parts) await this.page.keyboard.down(modifier);
    await this.page.keyboard.press(main);
    for (const modifier of parts.reverse()) await this.page.keyboard.up(modifier);
  }

  keys(text: string) {
    return this.page.keyboard.type(text);
  }

  hover(selector: string) {
    return this.page.hover(selector);
  }

  async setFiles(selector: string, files: string[]) {
    const input = await this.page.$(selector);
    if (!input) throw new Error(`no ${selector}`);
    await (input as ElementHandle<HTMLInputElement>).uploadFile(...files);
  }

  movePointer(x: number, y: number) {
    return this.page.mouse.move(x, y);
  }

  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T> {
    return this.page.evaluate(fn as never, arg as never) as Promise<T>;
  }

  evaluateSource<T>(expression: string): Promise<T> {
    return this.page.evaluate(expression) as Promise<T>;
  }

  setViewport(viewport: Viewport) {
    return this.page.setViewport(viewport);
  }

  async emulateReducedMotion() {
    // Puppeteer emulates media features through CDP only, which Firefox does not speak.
    return false;
  }

  viewport(): Viewport {
    return this.page.viewport() ?? { width: 0, height: 0 };
  }

  async reload() {
    // page.reload hangs like goto on moz-extension://; a mark on the old window tells the documents apart.
    await this.page.evaluate(() => {
      (window as unknown as Record<string, boolean>).parleyReloadMark = true;
      setTimeout(() => location.reload(), 0);
    });
    await waitForDocument(this.page, (doc) => !doc.marked);
  }

  async screenshot(file: string) {
    await this.page.screenshot({ path: file as `${string}.png` });
  }

  isClosed() {
    return this.page.isClosed();
  }

  close() {
    return this.page.close();
  }
}
