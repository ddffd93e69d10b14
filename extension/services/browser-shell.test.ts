import { describe, expect, it } from 'vitest';
import { browserName, installCommand, openPanel, panelKind, type ShellApi, toolbarButton } from './browser-shell.js';

const badge = () => ({ setBadgeText: async () => {}, setBadgeBackgroundColor: async () => {}, getBadgeText: async () => '' });

describe('browser shell', () => {
  it('finds the toolbar button under action (MV3) or browserAction (Firefox MV2)', () => {
    const mv3 = badge();
    const mv2 = badge();
    expect(toolbarButton({ action: mv3 })).toBe(mv3);
    expect(toolbarButton({ browserAction: mv2 })).toBe(mv2);
    expect(() => toolbarButton({})).toThrow(/no toolbar button/);
  });

  it('opens the Chromium side panel in the given window', async () => {
    const opened: number[] = [];
    const chromium: ShellApi = { sidePanel: { open: async ({ windowId }) => void opened.push(windowId) } };
    expect(panelKind(chromium)).toBe('side-panel');
    await openPanel(7, chromium);
    expect(opened).toEqual([7]);
    await expect(openPanel(undefined, chromium)).rejects.toThrow(/no browser window/);
  });

  it("opens Firefox's sidebar, which needs no window", async () => {
    let opens = 0;
    const firefox: ShellApi = { sidebarAction: { open: async () => void opens++ } };
    expect(panelKind(firefox)).toBe('sidebar');
    await openPanel(undefined, firefox);
    expect(opens).toBe(1);
  });

  it('says so when a browser has no panel', async () => {
    expect(panelKind({})).toBeNull();
    await expect(openPanel(1, {})).rejects.toThrow('This browser has no side panel.');
  });

  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0', {}, 'firefox'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36 Edg/150.0.0.0', {}, 'edge'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36', { brave: {} }, 'brave'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36', { userAgentData: { brands: [{ brand: 'Google Chrome' }, { brand: 'Chromium' }] } }, 'chrome'],
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36', { userAgentData: { brands: [{ brand: 'Chromium' }] } }, 'chromium'],
  ] as const)('names the browser of %s', (userAgent, extra, name) => {
    expect(browserName({ userAgent, ...extra })).toBe(name);
    expect(installCommand(name)).toBe(`npm run install-host -- --browser ${name}`);
  });
});
