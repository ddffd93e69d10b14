/// <reference lib="dom" />
/**
 * The small surface the end-to-end scenarios use to drive a browser, so the
 * same steps run in Chromium (Playwright over CDP) and in Firefox
 * (Puppeteer over WebDriver BiDi). Selectors are CSS; input goes through
 * the browser's real input pipeline, so clicks are user gestures.
 */

export type BrowserKind = 'chromium' | 'firefox';
export type ExtensionPageName = 'popup' | 'sidepanel';

export interface Viewport {
  width: number;
  height: number;
}

/** One extension page in a tab. */
export interface UiPage {
  click(selector: string): Promise<void>;
  /** Replaces the field's value, then types `text` as real keystrokes. */
  fill(selector: string, text: string): Promise<void>;
  /** Types into the field after what it holds, one key at a time. */
  type(selector: string, text: string, delayMs?: number): Promise<void>;
  /** Focuses the element (or keeps the focus, when null) and presses one key, e.g. 'Enter'. */
  press(selector: string | null, key: string): Promise<void>;
  /** Types `text` as keystrokes into whatever has the focus. */
  keys(text: string): Promise<void>;
  /** Gives a file input these files (paths on disk), as picking them in the browser's dialog does. */
  setFiles(selector: string, files: string[]): Promise<void>;
  hover(selector: string): Promise<void>;
  movePointer(x: number, y: number): Promise<void>;
  /** Runs `fn(arg)` in the page and returns its (JSON) result. */
  evaluate<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Evaluates JavaScript source text (an expression) in the page. */
  evaluateSource<T>(expression: string): Promise<T>;
  setViewport(viewport: Viewport): Promise<void>;
  /** Emulates `prefers-reduced-motion: reduce` (or lifts it); false where the driver cannot. */
  emulateReducedMotion(reduce: boolean): Promise<boolean>;
  viewport(): Viewport;
  /** Reloads and waits until the new document has loaded. */
  reload(): Promise<void>;
  screenshot(file: string): Promise<void>;
  isClosed(): boolean;
  close(): Promise<void>;
}

/**
 * The real chat panel beside the page (Chromium's side panel, Firefox's
 * sidebar), which no driver lists as a page: read through a side door.
 */
export interface PanelProbe {
  /** Runs `fn(document, arg)` against the panel's document; null while the panel has none. */
  query<T, A>(fn: (doc: Document, arg: A) => T, arg: A): Promise<T | null>;
  /** Saves a picture of the panel; false when this browser offers no way to take one. */
  screenshot(file: string): Promise<boolean>;
  /** Evaluates JavaScript source text in the panel itself (where `screenshot` works; axe runs there). */
  evaluateSource<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

/** The expression that calls `fn(doc, arg)`, for drivers that evaluate source text. */
export function callExpression<T, A>(fn: (doc: Document, arg: A) => T, docExpression: string, arg: A): string {
  return `(() => { const doc = ${docExpression}; return doc ? (${fn.toString()})(doc, ${JSON.stringify(arg)}) : null; })()`;
}

export interface BrowserDriver {
  readonly kind: BrowserKind;
  /** Uncaught errors of the extension's pages. */
  readonly pageErrors: string[];
  /** Where files the pages download are saved, under the names the pages gave them. */
  readonly downloadDir: string;
  open(page: ExtensionPageName, viewport: Viewport): Promise<UiPage>;
  /** Clicks `selector` in `page` (a user gesture) and returns the panel it opened. */
  openPanelFrom(page: UiPage, selector: string): Promise<PanelProbe>;
  /** The toolbar button's badge text. */
  badge(): Promise<string>;
  close(): Promise<void>;
}

/** Picks up what a badge read through an extension page returns, in either browser. */
export function readBadgeInPage(): Promise<string> {
  const g = globalThis as unknown as Record<string, { action?: unknown; browserAction?: unknown } | undefined>;
  const api = g.browser ?? g.chrome;
  if (!api) throw new Error('no browser or chrome global');
  const button = (api.action ?? api.browserAction) as { getBadgeText(d: object): Promise<string> };
  return button.getBadgeText({});
}
