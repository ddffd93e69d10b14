import fs from 'node:fs';
import path from 'node:path';
import { ApiClient } from '../../shared/api-client.js';
import type { HostInfo } from '../../shared/contract.js';
import { ChromiumDriver } from './chromium-driver.js';
import type { BrowserDriver, BrowserKind } from './driver.js';
import { FirefoxDriver } from './firefox-driver.js';
import { installHost, type InstalledHost } from './install-host.js';

export interface ParleyBrowserOptions {
  browser: BrowserKind;
  /** A temp dir owned by the test; the profile, home, data dir and logs go inside. */
  root: string;
  /** The local directory file shared with the friends' hosts. */
  directoryPath: string;
  /** Run the installer for this browser first (default true). */
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
 * A real browser (Chromium or Firefox) with the built extension, whose
 * native host (if installed by the real installer) is configured through
 * the browser's environment, as a user's would be. The browser itself is
 * driven through `driver`; the host is read from its data dir and API.
 */
export class ParleyBrowser {
  private constructor(
    readonly driver: BrowserDriver,
    readonly dataDir: string,
    readonly logFile: string,
    /** The environment the browser (and so the host it launches) runs with. */
    readonly env: Record<string, string>,
    readonly installed: InstalledHost | null,
  ) {}

  get kind(): BrowserKind {
    return this.driver.kind;
  }

  static async launch(options: ParleyBrowserOptions): Promise<ParleyBrowser> {
    const profileDir = path.join(options.root, 'profile');
    const home = path.join(options.root, 'home');
    const dataDir = options.dataDir ?? path.join(options.root, 'data');
    const logFile = path.join(options.root, 'host.log');
    fs.mkdirSync(profileDir, { recursive: true });
    fs.mkdirSync(home, { recursive: true });
    // Both browsers read the host manifest when the extension connects; it must exist before that.
    const installed = options.install === false
      ? null
      : installHost(options.browser, { profileDir, home, xdgDataHome: path.join(options.root, 'xdg-data') });
    const env = { ...hostEnv(dataDir, options.directoryPath, logFile), HOME: home };
    const downloadDir = path.join(options.root, 'downloads');
    fs.mkdirSync(downloadDir, { recursive: true });
    const driver = options.browser === 'firefox'
      ? await FirefoxDriver.launch(profileDir, env, downloadDir)
      : await ChromiumDriver.launch(profileDir, env, downloadDir);
    return new ParleyBrowser(driver, dataDir, logFile, env, installed);
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
    await this.driver.close();
  }
}
