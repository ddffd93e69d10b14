/**
 * Typing indicator timing, shared by the host (which relays and throttles
 * indicators between peers) and the extension (which sends and shows them).
 */

/** While typing goes on, `typing: true` is repeated at this interval, and no more often. */
export const TYPING_REFRESH_MS = 3_000;

/** A shown indicator clears itself after this long without a repeat: longer than the refresh, so a late repeat does not make it flicker. */
export const TYPING_CLEAR_MS = 5_000;

/** The typist's side calls it a pause (and sends `typing: false`) after this long without a keystroke. */
export const TYPING_IDLE_MS = 1_000;
