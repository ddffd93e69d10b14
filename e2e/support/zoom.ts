/// <reference lib="dom" />

/** What the page measures after a zoom change, in CSS pixels. */
export interface ZoomState {
  zoom: number;
  devicePixelRatio: number;
  innerWidth: number;
  scrollWidth: number;
  clientWidth: number;
}

/**
 * Runs in an extension page opened as a tab: sets the browser's own page
 * zoom for this tab (what Ctrl + does), then reports what the page sees.
 * Per tab, so the other extension pages of the test keep their size.
 */
export async function setTabZoom(factor: number): Promise<ZoomState> {
  interface Tabs {
    getCurrent(): Promise<{ id?: number } | undefined>;
    setZoom(tabId: number, factor: number): Promise<void>;
    getZoom(tabId: number): Promise<number>;
    setZoomSettings(tabId: number, settings: { scope: string }): Promise<void>;
  }
  const g = globalThis as unknown as Record<string, { tabs?: Tabs } | undefined>;
  const tabs = (g.browser ?? g.chrome)?.tabs;
  if (!tabs) throw new Error('no tabs API in this page');
  const tab = await tabs.getCurrent();
  if (tab?.id === undefined) throw new Error('this page is not in a tab');
  // Firefox keeps zoom per site only when a pref says so, and rejects the call: its zoom is per tab already.
  await tabs.setZoomSettings(tab.id, { scope: 'per-tab' }).catch(() => {});
  await tabs.setZoom(tab.id, factor);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  const root = document.documentElement;
  return {
    zoom: await tabs.getZoom(tab.id),
    devicePixelRatio: window.devicePixelRatio,
    innerWidth: window.innerWidth,
    scrollWidth: root.scrollWidth,
    clientWidth: root.clientWidth,
  };
}

/** Runs in the page: text that is cut off sideways (wider than its box, with overflow hidden), as selectors. */
export function clippedText(): string[] {
  const out: string[] = [];
  for (const el of document.querySelectorAll<HTMLElement>('body *')) {
    if (el.children.length > 0 || !(el.textContent ?? '').trim() || el.getClientRects().length === 0) continue;
    // Screen-reader-only text is a 1 px clipped box on purpose.
    if (el.clientWidth <= 1) continue;
    const style = getComputedStyle(el);
    // Ellipsis is a deliberate, readable cut (names, previews); anything else clipped is lost text.
    if (style.textOverflow === 'ellipsis' || style.overflowX === 'visible') continue;
    if (el.scrollWidth > el.clientWidth + 1) out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}: ${(el.textContent ?? '').trim().slice(0, 40)}`);
  }
  return out;
}
