import { describe, expect, it } from 'vitest';
import { CHROMIUM_EXTENSION_ID, CHROMIUM_EXTENSION_ORIGIN, GECKO_EXTENSION_ID } from '../../../shared/extension-id.js';
import { detectBrowserLaunch } from './launch-mode.js';

const ORIGIN = `${CHROMIUM_EXTENSION_ORIGIN}/`;

describe('detectBrowserLaunch', () => {
  it('recognises a Chromium-family launch on Linux and macOS', () => {
    expect(detectBrowserLaunch([ORIGIN])).toEqual({
      browser: 'chromium',
      origin: ORIGIN,
      extensionId: CHROMIUM_EXTENSION_ID,
    });
  });

  it('recognises a Chromium-family launch on Windows with --parent-window', () => {
    expect(detectBrowserLaunch([ORIGIN, '--parent-window=0'])).toEqual({
      browser: 'chromium',
      origin: ORIGIN,
      extensionId: CHROMIUM_EXTENSION_ID,
    });
    expect(detectBrowserLaunch([ORIGIN, '--parent-window=132456'])?.browser).toBe('chromium');
  });

  it('normalises an origin without the trailing slash', () => {
    expect(detectBrowserLaunch([CHROMIUM_EXTENSION_ORIGIN])?.origin).toBe(ORIGIN);
  });

  it('reports other extension ids as they are, for the caller to check', () => {
    const other = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/';
    expect(detectBrowserLaunch([other])).toEqual({
      browser: 'chromium',
      origin: other,
      extensionId: 'abcdefghijklmnopabcdefghijklmnop',
    });
  });

  it('recognises a Firefox launch on Linux, macOS and Windows', () => {
    const linux = '/home/alice/.mozilla/native-messaging-hosts/com.parley.host.json';
    expect(detectBrowserLaunch([linux, GECKO_EXTENSION_ID])).toEqual({
      browser: 'firefox',
      manifestPath: linux,
      extensionId: GECKO_EXTENSION_ID,
    });
    const mac = '/Users/alice/Library/Application Support/Mozilla/NativeMessagingHosts/com.parley.host.json';
    expect(detectBrowserLaunch([mac, GECKO_EXTENSION_ID])?.manifestPath).toBe(mac);
    const windows = 'C:\\Users\\alice\\AppData\\Local\\Parley\\native-host\\com.parley.host-firefox.json';
    expect(detectBrowserLaunch([windows, GECKO_EXTENSION_ID])?.browser).toBe('firefox');
    expect(detectBrowserLaunch([windows, '{12345678-1234-1234-1234-123456789abc}'])?.extensionId).toBe(
      '{12345678-1234-1234-1234-123456789abc}',
    );
  });

  it.each([
    [[]],
    [['--data-dir', '/tmp/x']],
    [['--api-port', '0', '--ws-port', '0']],
    [['chrome-extension://short/']],
    [['chrome-extension://ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP/']],
    [['chrome-extension://qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq/']],
    [[ORIGIN, '--data-dir', '/tmp/x']],
    [['relative/manifest.json', GECKO_EXTENSION_ID]],
    [['/abs/manifest.json']],
    [['/abs/manifest.json', 'not an id']],
    [['/abs/manifest.txt', GECKO_EXTENSION_ID]],
    [['/abs/manifest.json', GECKO_EXTENSION_ID, 'extra']],
    [['https://example.com/']],
  ])('returns null for an ordinary command line %j', (argv) => {
    expect(detectBrowserLaunch(argv)).toBeNull();
  });
});
