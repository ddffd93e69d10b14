import { onBeforeUnmount } from 'vue';

/** Typing stops counting after this long without a keystroke. */
export const TYPING_IDLE_MS = 1_000;
/** While typing goes on, `typing: true` is repeated so the peer's 5 s auto-clear does not fire. */
export const TYPING_REPEAT_MS = 3_000;

/**
 * Turns keystrokes into debounced typing notifications: one `true` when
 * typing starts (repeated while it lasts), one `false` after a 1 s pause
 * or when the message is sent.
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
    if (!active || now - lastSent >= TYPING_REPEAT_MS) {
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
