import { type Ref, computed, nextTick, onMounted, watch } from 'vue';
import type { Conversation } from '../stores/types.js';
import { useVirtualList } from './use-virtual-list.js';

/** Rows left beyond the rendered ones before the next page is asked for. */
const PAGE_AHEAD_ROWS = 10;
/** Where an opened chat puts its "New messages" divider: this far below the top. */
const DIVIDER_MARGIN_PX = 12;

/**
 * Scroll behaviour of a chat over a virtual list: opens at the newest
 * message (or at "New messages", or at a search result), follows new
 * messages while the reader is at the bottom, loads older pages on the way
 * up and newer ones on the way down without moving what the reader sees.
 */
export function useChatScroll(opts: {
  scroller: Ref<HTMLElement | null>;
  list: Ref<HTMLElement | null>;
  conversation: () => Conversation | undefined;
  count: () => number;
  keyAt: (index: number) => string;
  estimate: (index: number) => number;
  loadOlder: () => Promise<number>;
  loadNewer: () => Promise<number>;
  /** The view has brought the conversation's `focus` message into sight. */
  focused: (key: string) => void;
}) {
  const virtual = useVirtualList({ ...opts, stickToBottom: true, keepPosition: true });
  let placed = false;

  /** The first view of a loaded chat: a search result, else the divider, else the bottom. */
  function place(): void {
    const c = opts.conversation();
    if (!c || c.state !== 'ready') return;
    if (c.focus) {
      const key = c.focus;
      if (virtual.scrollToKey(key)) {
        placed = true;
        opts.focused(key);
      }
      return;
    }
    if (placed) return;
    placed = true;
    if (c.unreadFrom) virtual.scrollToKey(c.unreadFrom, 'start', DIVIDER_MARGIN_PX);
    else virtual.scrollToBottom();
  }

  onMounted(() => void nextTick(place));
  watch(
    () => [opts.conversation()?.state, opts.conversation()?.focus],
    () => void nextTick(place),
  );

  // Pages ahead: when the rendered rows come near either end of what is loaded.
  watch(virtual.range, ({ start, end }) => {
    const c = opts.conversation();
    // Not laid out (hidden): no viewport to fill.
    if (!c || c.state !== 'ready' || opts.count() === 0 || virtual.viewport.value === 0) return;
    if (start < PAGE_AHEAD_ROWS && c.hasMore && c.olderState !== 'loading' && c.olderState !== 'error') void opts.loadOlder();
    if (end > opts.count() - PAGE_AHEAD_ROWS && c.newer > 0 && c.newerState !== 'loading' && c.newerState !== 'error') void opts.loadNewer();
  });

  /** Shown when the reader is away from the newest messages. */
  const awayFromLatest = computed(() => !virtual.following.value || (opts.conversation()?.newer ?? 0) > 0);

  return { ...virtual, awayFromLatest };
}
