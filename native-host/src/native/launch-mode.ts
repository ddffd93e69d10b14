/** How a browser started this process, read from its command-line arguments. */
export interface BrowserLaunch {
  browser: 'chromium' | 'firefox';
  /** Chromium family: the caller's origin, e.g. `chrome-extension://<id>/`. */
  origin?: string;
  /** Firefox: absolute path of the host manifest it read. */
  manifestPath?: string;
  /** Chromium: the id inside `origin`; Firefox: the add-on id. */
  extensionId?: string;
}

// Chromium extension ids are 32 letters a–p; the origin ends with a slash.
const CHROMIUM_ORIGIN = /^chrome-extension:\/\/([a-p]{32})\/?$/;
// Windows Chromium adds the calling window's handle (0 from a service worker).
const PARENT_WINDOW = /^--parent-window=\d+$/;
// Gecko add-on ids: an email-like id or a {GUID}.
const GECKO_ID = /^(?:[A-Za-z0-9._+-]*@[A-Za-z0-9._-]+|\{[0-9A-Fa-f-]{36}\})$/;

/**
 * Recognises a browser launch from the arguments after the script
 * (`process.argv.slice(2)`), or returns null for a normal command line.
 * Chromium-family browsers pass the caller origin first (plus
 * `--parent-window=<n>` on Windows); Firefox passes the manifest path, then
 * the add-on id.
 */
export function detectBrowserLaunch(argv: readonly string[]): BrowserLaunch | null {
  const [first, second, ...rest] = argv;
  if (first === undefined) return null;

  const chromium = CHROMIUM_ORIGIN.exec(first);
  if (chromium) {
    const others = second === undefined ? [] : [second, ...rest];
    if (!others.every((arg) => PARENT_WINDOW.test(arg))) return null;
    return { browser: 'chromium', origin: first.endsWith('/') ? first : `${first}/`, extensionId: chromium[1] };
  }

  if (second !== undefined && rest.length === 0 && isManifestPath(first) && GECKO_ID.test(second)) {
    return { browser: 'firefox', manifestPath: first, extensionId: second };
  }
  return null;
}

function isManifestPath(arg: string): boolean {
  if (!arg.toLowerCase().endsWith('.json')) return false;
  // Absolute on POSIX, or a Windows drive / UNC path: the browser always passes a full path.
  return arg.startsWith('/') || /^[A-Za-z]:[\\/]/.test(arg) || arg.startsWith('\\\\');
}
