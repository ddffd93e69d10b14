import { onBeforeUnmount } from 'vue';
import { TYPING_IDLE_MS, TYPING_REFRESH_MS } from '../../shared/typing.js';

/**
 * Turns keystrokes into debounced typing notifications: one `true` when
 * typing starts (repeated every TYPING_REFRESH_MS while it lasts, so the
 * friend's auto-clear does not fire), one `false` after a TYPING_IDLE_MS
 * pause or when the message is sent.
 */
export function useTypingNotifier(send: (typing: boolean) => void) {
  let active = false;
  let lastSent = 0;
  let idle: ReturnType<typeof setTimeout> | null = null;

  function stop(): void {
    if (idle) clearTimeout(idle);
    idle = null;
    if (active) {
      active = false;
      send(false);
    }
  }

  function keystroke(): void {
    const now = Date.now();
    if (!active || now - lastSent >= TYPING_REFRESH_MS) {
      active = true;
      lastSent = now;
      send(true);
    }
    if (idle) clearTimeout(idle);
    idle = setTimeout(stop, TYPING_IDLE_MS);
  }

  onBeforeUnmount(stop);
  return { keystroke, stop };
}
