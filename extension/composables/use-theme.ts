import { watchEffect } from 'vue';
import { isTheme, savedTheme } from '../services/stored-items.js';
import { type Theme, useUiStore } from '../stores/ui.js';
import { defined } from '../../shared/defined.js';

const ORDER: Theme[] = ['system', 'light', 'dark'];

/** Applies the chosen theme to the page and remembers it; `system` follows the OS. */
export function useTheme() {
  const ui = useUiStore();
  void savedTheme.getValue().then((saved) => {
    if (isTheme(saved)) ui.theme = saved;
  }).catch(() => {});
  watchEffect(() => {
    const root = document.documentElement;
    if (ui.theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = ui.theme;
  });
  function cycle(): void {
    ui.theme = defined(ORDER[(ORDER.indexOf(ui.theme) + 1) % ORDER.length]);
    void savedTheme.setValue(ui.theme).catch(() => {});
  }
  return { cycle };
}
