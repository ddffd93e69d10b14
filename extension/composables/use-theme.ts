import { watchEffect } from 'vue';
import { browser } from 'wxt/browser';
import { type Theme, useUiStore } from '../stores/ui.js';

const THEME_KEY = 'parley.theme';
const ORDER: Theme[] = ['system', 'light', 'dark'];

/** Applies the chosen theme to the page and remembers it; `system` follows the OS. */
export function useTheme() {
  const ui = useUiStore();
  void browser.storage?.local?.get(THEME_KEY).then((v) => {
    const saved = v?.[THEME_KEY];
    if (saved === 'light' || saved === 'dark' || saved === 'system') ui.theme = saved;
  }).catch(() => {});
  watchEffect(() => {
    const root = document.documentElement;
    if (ui.theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = ui.theme;
  });
  function cycle(): void {
    ui.theme = ORDER[(ORDER.indexOf(ui.theme) + 1) % ORDER.length]!;
    void browser.storage?.local?.set({ [THEME_KEY]: ui.theme }).catch(() => {});
  }
  return { cycle };
}
