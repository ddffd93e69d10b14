import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CdpTarget } from './cdp-target.js';
import { type BrowserDriver, callExpression, type ExtensionPageName, type PanelProbe, readBadgeInPage, type UiPage, type Viewport } from './driver.js';
import { CHROMIUM_PATH, CHROMIUM_EXTENSION_DIR, extensionPageUrl } from './paths.js';

/** How long the browser may take to start. */
const LAUNCH_TIMEOUT_MS = 30_000;

/** Chromium with the built MV3 extension, in its own profile, driven by Playwright. */
export class ChromiumDriver implements BrowserDriver {
  readonly kind = 'chromium' as const;
  readonly pageErrors: string[] = [];
  private readonly pages: ChromiumPage[] = [];

  private constructor(
    private readonly context: BrowserContext,
    readonly downloadDir: string,
  ) {
    context.on('page', (page) => {
      page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${err.message}`));
      // Playwright keeps downloads under random names in a temp dir: saved again under the page's name.
      page.on('download', (download) => void download.saveAs(path.join(downloadDir, download.suggestedFilename())));
    });
  }

  /** `profileDir` must already hold NativeMessagingHosts/: Chromium reads it at start. */
  static async launch(profileDir: string, env: Record<string, string>, downloadDir: string): Promise<ChromiumDriver> {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      timeout: LAUNCH_TIMEOUT_MS,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--disable-extensions-except=${CHROMIUM_EXTENSION_DIR}`,
        `--load-extension=${CHROMIUM_EXTENSION_DIR}`,
      ],
      env: { ...process.env, ...env },
      acceptDownloads: true,
    });
    return new ChromiumDriver(context, downloadDir);
  }

  async open(name: ExtensionPageName, viewport: Viewport): Promise<UiPage> {
    const page = await this.context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(extensionPageUrl('chromium', name));
    const ui = new ChromiumPage(page);
    this.pages.push(ui);
    return ui;
  }

  async openPanelFrom(page: UiPage, selector: string): Promise<PanelProbe> {
    const known = await CdpTarget.pageIds(this.context);
    await page.click(selector);
    // Playwright does not list the side panel as a page, but the browser's DevTools target list does.
    const target = await CdpTarget.attachNew(this.context, known, '/sidepanel.html');
    return {
      query: (fn, arg) => target.evaluate(callExpression(fn, 'document', arg)),
      screenshot: async (file) => {
        await target.screenshot(file);
        return true;
      },
      evaluateSource: (expression) => target.evaluate(expression),
      close: () => target.detach(),
    };
  }

  async badge(): Promise<string> {
    const page = this.pages.find((p) => !p.isClosed());
    if (!page) throw new Error('no open extension page to read the badge from');
    return page.evaluate(readBadgeInPage);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
  }
}

class ChromiumPage implements UiPage {
  constructor(private readonly page: Page) {}

  click(selector: string) {
    return this.page.locator(selector).click();
  }

  fill(selector: string, text: string) {
    return this.page.locator(selector).fill(text);
  }

  type(selector: string, text: string, delayMs = 0) {
    return this.page.locator(selector).pressSequentially(text, { delay: delayMs });
  }

  async press(selector: string | null, key: string) {
    if (selector) await this.page.locator(selector).press(key);
    else await this.page.keyboard.press(key);
  }

  keys(text: string) {
    return this.page.keyboard.type(text);
  }

  hover(selector: string) {
    return this.page.locator(selector).hover();
  }

  setFiles(selector: string, files: string[]) {
    return this.page.locator(selector).setInputFiles(files);
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
    return this.page.setViewportSize(viewport);
  }

  async emulateReducedMotion(reduce: boolean) {
    await this.page.emulateMedia({ reducedMotion: reduce ? 'reduce' : 'no-preference' });
    return true;
  }

  viewport(): Viewport {
    return this.page.viewportSize() ?? { width: 0, height: 0 };
  }

  async reload() {
    await this.page.reload();
  }

  async screenshot(file: string) {
    await this.page.screenshot({ path: file, animations: 'disabled' });
  }

  isClosed() {
    return this.page.isClosed();
  }

  close() {
    return this.page.close();
  }
}
