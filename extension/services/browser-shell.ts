import { browser } from 'wxt/browser';
import { defined } from '../../shared/defined.js';

/**
 * Everything that differs between the Chromium build (MV3) and the Firefox
 * build (MV2) lives here, so the rest of the extension asks for a feature
 * and never for a browser: the toolbar button, the chat panel beside the
 * page, and which install command fits the browser the user runs.
 */

/** The toolbar button: `action` in MV3, `browserAction` in Firefox MV2. */
export interface ToolbarButton {
  setBadgeText(details: { text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  getBadgeText(details: Record<string, never>): Promise<string>;
}

/** Chromium's side panel or Firefox's sidebar: the same page beside the tab. */
export type PanelKind = 'side-panel' | 'sidebar';

/** Browser names as the installer spells them. */
export type BrowserName = 'chrome' | 'chromium' | 'edge' | 'brave' | 'firefox';

/** The parts of the `browser` namespace this module reads; a fake in tests. */
export interface ShellApi {
  action?: unknown;
  browserAction?: unknown;
  sidePanel?: { open(options: { windowId: number }): Promise<void> };
  sidebarAction?: { open(): Promise<void>; isOpen?(details: Record<string, never>): Promise<boolean> };
}

const api = (): ShellApi => browser as unknown as ShellApi;

/** The toolbar button of this build. */
export function toolbarButton(shell: ShellApi = api()): ToolbarButton {
  const button = shell.action ?? shell.browserAction;
  if (!button) throw new Error('this browser has no toolbar button API');
  return button as ToolbarButton;
}

/** Which chat panel this browser offers, or null when it has none. */
export function panelKind(shell: ShellApi = api()): PanelKind | null {
  if (shell.sidePanel?.open) return 'side-panel';
  if (shell.sidebarAction?.open) return 'sidebar';
  return null;
}

/**
 * Opens the chat panel. Both browsers accept this only inside a user
 * gesture, so call it synchronously from the click handler; Chromium needs
 * the window, Firefox opens the sidebar of the active window.
 */
export function openPanel(windowId: number | undefined, shell: ShellApi = api()): Promise<void> {
  const kind = panelKind(shell);
  if (kind === 'side-panel') {
    if (windowId === undefined) return Promise.reject(new Error('no browser window to open the side panel in'));
    return defined(shell.sidePanel).open({ windowId });
  }
  if (kind === 'sidebar') return defined(shell.sidebarAction).open();
  return Promise.reject(new Error('This browser has no side panel.'));
}

type NavigatorLike = Pick<Navigator, 'userAgent'> & { brave?: unknown; userAgentData?: { brands?: ReadonlyArray<{ brand: string }> } };

/** The user's browser, from the user agent (Brave announces itself only through `navigator.brave`). */
export function browserName(nav: NavigatorLike = navigator): BrowserName {
  const ua = nav.userAgent;
  if (/\bFirefox\//.test(ua)) return 'firefox';
  if (nav.brave) return 'brave';
  if (/\bEdg\//.test(ua)) return 'edge';
  const brands = nav.userAgentData?.brands?.map((b) => b.brand) ?? [];
  if (brands.includes('Google Chrome')) return 'chrome';
  return 'chromium';
}

/**
 * What to run in the Parley checkout to install the host for this browser;
 * the installer finds Snap and Flatpak builds of it by itself.
 */
export function installCommand(name: BrowserName = browserName()): string {
  return `npm run install-host -- --browser ${name}`;
}

/** What to run to find out why an installed host does not answer. */
export const DOCTOR_COMMAND = 'npm run doctor';
