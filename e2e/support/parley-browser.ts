import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { ApiClient } from '../../shared/api-client.js';
import type { HostInfo } from '../../shared/contract.js';
import { installHost, type InstalledHost } from './install-host.js';
import { CHROMIUM_PATH, EXTENSION_DIR, pageUrl } from './paths.js';

/** How long the browser may take to start and show its extension worker. */
const LAUNCH_TIMEOUT_MS = 30_000;

export interface ParleyBrowserOptions {
  /** A temp dir owned by the test; the profile, data dir and logs go inside. */
  root: string;
  /** The local directory file shared with the friends' hosts. */
  directoryPath: string;
  /** Run the installer for this profile first (default true). */
  install?: boolean;
  /** Data dir of the browser-launched host (default `<root>/data`). */
  dataDir?: string;
}

/** The PARLEY_* environment that makes a browser-launched host join the test network. */
export function hostEnv(dataDir: string, directoryPath: string, logFile: string): Record<string, string> {
  return {
    PARLEY_DATA_DIR: dataDir,
    PARLEY_API_PORT: '0',
    PARLEY_WS_PORT: '0',
    PARLEY_PEER_PORT: '0',
    PARLEY_PEER_HOST: '127.0.0.1',
    PARLEY_ADVERTISE: '127.0.0.1',
    PARLEY_DIRECTORY: 'local',
    PARLEY_DIRECTORY_PATH: directoryPath,
    PARLEY_HEARTBEAT_MS: '500',
    PARLEY_PRESENCE_TIMEOUT_MS: '2000',
    PARLEY_LIMITS: 'retryMinMs=200,retryMaxMs=2000,mailboxPollMs=500',
    PARLEY_LOG_LEVEL: 'debug',
    PARLEY_LOG_FILE: logFile,
  };
}

/**
 * A real Chromium with the built extension loaded into its own profile,
 * whose native host (if installed) is configured through the browser's
 * environment, as a user's would be.
 */
export class ParleyBrowser {
  /** Uncaught errors of the extension's pages, for assertions. */
  readonly pageErrors: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly profileDir: string,
    readonly dataDir: string,
    readonly logFile: string,
    readonly env: Record<string, string>,
    readonly installed: InstalledHost | null,
  ) {
    context.on('page', (page) => this.watch(page));
  }

  static async launch(options: ParleyBrowserOptions): Promise<ParleyBrowser> {
    const profileDir = path.join(options.root, 'profile');
    const dataDir = options.dataDir ?? path.join(options.root, 'data');
    const logFile = path.join(options.root, 'host.log');
    fs.mkdirSync(profileDir, { recursive: true });
    // Chromium reads NativeMessagingHosts/ at start, so the manifest must exist before launch.
    const installed = options.install === false ? null : installHost(profileDir, path.join(options.root, 'xdg-data'));
    const env = hostEnv(dataDir, options.directoryPath, logFile);
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
        `--disable-extensions-except=${EXTENSION_DIR}`,
        `--load-extension=${EXTENSION_DIR}`,
      ],
      env: { ...process.env, ...env },
    });
    return new ParleyBrowser(context, profileDir, dataDir, logFile, env, installed);
  }

  /** The extension's background service worker. */
  async worker(): Promise<Worker> {
    const running = this.context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
    if (running) return running;
    return this.context.waitForEvent('serviceworker', { timeout: LAUNCH_TIMEOUT_MS });
  }

  /** Opens an extension page in a tab of the given size. */
  async open(kind: 'popup' | 'sidepanel', viewport: { width: number; height: number }): Promise<Page> {
    const page = await this.context.newPage();
    await page.setViewportSize(viewport);
    await page.goto(pageUrl(kind));
    return page;
  }

  /** The toolbar badge text, read from the service worker. */
  async badge(): Promise<string> {
    const worker = await this.worker();
    return (await worker.evaluate('chrome.action.getBadgeText({})')) as string;
  }

  /** The browser-launched host's host.json, or null while there is none. */
  hostInfo(): HostInfo | null {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dataDir, 'host.json'), 'utf8')) as HostInfo;
    } catch {
      return null;
    }
  }

  token(): string | null {
    const file = path.join(this.dataDir, 'api-token');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : null;
  }

  /** A REST client of the browser-launched host (what the extension talks to). */
  api(): ApiClient {
    const info = this.hostInfo();
    if (!info) throw new Error('the browser-launched host is not running');
    return new ApiClient({ baseUrl: `http://127.0.0.1:${info.api_port}`, token: this.token() });
  }

  hostLog(): string {
    return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, 'utf8') : '';
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
  }

  private watch(page: Page): void {
    page.on('pageerror', (err) => this.pageErrors.push(`${page.url()}: ${err.message}`));
  }
}
