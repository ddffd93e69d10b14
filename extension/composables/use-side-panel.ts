import { onMounted, ref } from 'vue';
import { browser } from 'wxt/browser';

type SidebarAction = { open(): Promise<void> };

/**
 * Opening the side panel must happen inside the click's user gesture, so
 * the window id is looked up in advance and the call made synchronously.
 */
export function useSidePanel() {
  const error = ref<string | null>(null);
  let windowId: number | undefined;
  let inTab = false;

  onMounted(() => {
    void browser.windows?.getCurrent().then((w) => (windowId = w.id)).catch(() => {});
    void browser.tabs?.getCurrent().then((t) => (inTab = !!t)).catch(() => {});
  });

  function open(): void {
    error.value = null;
    const sidebar = (browser as unknown as { sidebarAction?: SidebarAction }).sidebarAction;
    let opening: Promise<unknown> | undefined;
    if (browser.sidePanel?.open && windowId !== undefined) opening = browser.sidePanel.open({ windowId });
    else if (sidebar) opening = sidebar.open();
    if (!opening) {
      error.value = 'This browser has no side panel.';
      return;
    }
    opening.then(() => {
      // The toolbar popup is done once the panel shows; a page in a tab stays.
      if (!inTab) window.close();
    }).catch((err: unknown) => {
      error.value = `Could not open the side panel: ${(err as Error).message}`;
    });
  }

  return { open, error };
}
