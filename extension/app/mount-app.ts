import { createPinia } from 'pinia';
import { createApp } from 'vue';
import AppRoot from '../components/app/AppRoot.vue';
import '../styles/theme.css';

/** Mounts the Parley UI; popup and side panel differ only in layout. */
export function mountApp(mode: 'popup' | 'sidepanel'): void {
  document.documentElement.dataset.mode = mode;
  const app = createApp(AppRoot, { mode });
  app.use(createPinia());
  app.mount('#app');
}
