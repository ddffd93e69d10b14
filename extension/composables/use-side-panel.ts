import { onMounted, ref } from 'vue';
import { browser } from 'wxt/browser';
import { openPanel, panelKind } from '../services/browser-shell.js';

/**
 * "Open in side panel": Chromium's side panel or Firefox's sidebar. Both
 * accept the call only inside the click's user gesture, so the window id is
 * looked up in advance and the call made synchronously.
 */
export function useSidePanel() {
  const error = ref<string | null>(null);
  const available = panelKind() !== null;
  let windowId: number | undefined;
  let inTab = false;

  onMounted(() => {
    void browser.windows?.getCurrent().then((w) => (windowId = w.id)).catch(() => {});
    void browser.tabs?.getCurrent().then((t) => (inTab = !!t)).catch(() => {});
  });

  function open(): void {
    error.value = null;
    openPanel(windowId).then(() => {
      // The toolbar popup is done once the panel shows; a page in a tab stays.
      if (!inTab) window.close();
    }).catch((err: unknown) => {
      error.value = `Could not open the side panel: ${(err as Error).message}`;
    });
  }

  return { open, error, available };
}
