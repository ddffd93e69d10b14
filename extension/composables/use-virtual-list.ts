import { type Ref, computed, nextTick, onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue';
import { defined } from '../../shared/defined.js';

/** Rows rendered beyond each edge of the viewport, in pixels, so a fast scroll rarely shows a gap. */
const OVERSCAN_PX = 800;
/** Within this many pixels of the bottom the list counts as "at the bottom" and follows new rows. */
export const STICK_PX = 80;

export interface VirtualListOptions {
  /** The scrolling element. */
  scroller: Ref<HTMLElement | null>;
  /** The element holding the rows, inside the scroller; it gets the top and bottom padding that stands in for the rows not rendered. */
  list: Ref<HTMLElement | null>;
  count: () => number;
  /** A stable key per row; rows carry it as `data-key`. */
  keyAt: (index: number) => string;
  /** Height of a row before it has been measured. */
  estimate: (index: number) => number;
  /** Follow new rows at the bottom while the reader is there (chats). */
  stickToBottom?: boolean;
  /** Keep the first visible row in place when rows above it load or change size (chats). */
  keepPosition?: boolean;
}

/**
 * A list of thousands of rows that renders only those near the viewport.
 * Heights are measured once rows render (ResizeObserver) and estimated
 * before; the rows not rendered are padding. Rows stay in normal flow, so
 * they are plain DOM to keyboards and screen readers; the owner sets
 * aria-setsize/aria-posinset from `range`.
 */
export function useVirtualList(opts: VirtualListOptions) {
  const heights = new Map<string, number>();
  const measured = ref(0);
  // A chat opens at its newest rows: render those first, not the oldest.
  const scrollTop = ref(opts.stickToBottom ? Number.MAX_SAFE_INTEGER : 0);
  const viewport = ref(0);
  /** The row kept in place, and where its top was relative to the viewport's top. */
  let anchor: { key: string; delta: number } | null = null;
  /** At the bottom, following new rows (only with stickToBottom). */
  const following = ref(opts.stickToBottom ?? false);
  /** scrollTop we set ourselves: the scroll event it causes is not the reader's. */
  let expectedTop: number | null = null;
  const layout = shallowRef({ offsets: new Float64Array(1), index: new Map<string, number>() });

  const total = computed(() => defined(layout.value.offsets[layout.value.offsets.length - 1]));

  /** Index of the row at `y` (list coordinates), clamped to the rows. */
  function rowAt(y: number): number {
    const { offsets } = layout.value;
    let lo = 0;
    let hi = offsets.length - 2;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (defined(offsets[mid]) <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  const listTop = () => opts.list.value?.offsetTop ?? 0;

  const range = computed(() => {
    const n = layout.value.offsets.length - 1;
    if (n === 0) return { start: 0, end: 0 };
    // Clamped as the browser clamps scrollTop: the last screenful is the lowest a list can show.
    const top = Math.min(Math.max(0, scrollTop.value - listTop()), Math.max(0, total.value - viewport.value));
    return { start: rowAt(top - OVERSCAN_PX), end: Math.min(n, rowAt(top + viewport.value + OVERSCAN_PX) + 1) };
  });
  const padTop = computed(() => layout.value.offsets[range.value.start] ?? 0);
  const padBottom = computed(() => total.value - (layout.value.offsets[range.value.end] ?? 0));

  function offsetOf(key: string): number | undefined {
    const i = layout.value.index.get(key);
    return i === undefined ? undefined : layout.value.offsets[i];
  }

  function setScrollTop(top: number): void {
    const el = opts.scroller.value;
    // Not laid out (a hidden page): nothing to scroll yet; the viewport observer restores later.
    if (!el || el.clientHeight === 0) return;
    const max = Math.max(0, el.scrollHeight - el.clientHeight);
    expectedTop = Math.min(Math.max(0, Math.round(top)), max);
    el.scrollTop = expectedTop;
    scrollTop.value = el.scrollTop;
  }

  function captureAnchor(): void {
    const { offsets } = layout.value;
    if (offsets.length < 2) return;
    const top = scrollTop.value - listTop();
    const i = rowAt(top);
    anchor = { key: opts.keyAt(i), delta: defined(offsets[i]) - top };
  }

  /** Where the view belongs in the current layout: at the bottom, or with the anchor row where it was; null to leave it. */
  function restoredTop(): number | null {
    if (following.value) return listTop() + total.value;
    if (!opts.keepPosition || !anchor) return null;
    const offset = offsetOf(anchor.key);
    return offset === undefined ? null : listTop() + offset - anchor.delta;
  }

  /** After rows or heights changed: stay at the bottom, or keep the anchor row where it was. */
  function restore(): void {
    const el = opts.scroller.value;
    const top = restoredTop();
    if (!el || top === null) return;
    setScrollTop(following.value ? el.scrollHeight : top);
  }

  function onScroll(): void {
    const el = opts.scroller.value;
    if (!el) return;
    scrollTop.value = el.scrollTop;
    viewport.value = el.clientHeight;
    if (expectedTop !== null && Math.abs(el.scrollTop - expectedTop) < 1) return;
    expectedTop = null;
    if (opts.stickToBottom) following.value = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    captureAnchor();
  }

  // Measuring: every rendered row is observed; a size change updates the layout.
  const observed = new Set<Element>();
  const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver((entries) => {
    let changed = false;
    for (const entry of entries) {
      const key = (entry.target as HTMLElement).dataset.key;
      const height = (entry.target as HTMLElement).offsetHeight;
      // 0 is a row not laid out (hidden panel): keep the estimate.
      if (key && height > 0 && heights.get(key) !== height) {
        heights.set(key, height);
        changed = true;
      }
    }
    if (changed) measured.value++;
  });

  function observeRows(): void {
    const list = opts.list.value;
    if (!list || !resize) return;
    for (const el of observed) {
      if (!el.isConnected) {
        resize.unobserve(el);
        observed.delete(el);
      }
    }
    for (const el of list.children) {
      if ((el as HTMLElement).dataset.key && !observed.has(el)) {
        resize.observe(el);
        observed.add(el);
      }
    }
  }

  function relayout(): void {
    const n = opts.count();
    const offsets = new Float64Array(n + 1);
    const index = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const key = opts.keyAt(i);
      index.set(key, i);
      offsets[i + 1] = defined(offsets[i]) + (heights.get(key) ?? opts.estimate(i));
    }
    layout.value = { offsets, index };
    // Render the rows the view will show once restore() has run, not the
    // ones the old scroll position points at in the new layout: those
    // would be mounted and dropped again (losing focus) in between.
    const top = restoredTop();
    if (top !== null) scrollTop.value = top;
  }
  relayout();
  watch([() => opts.count(), measured, () => (opts.count() > 0 ? opts.keyAt(0) + opts.keyAt(opts.count() - 1) : '')], relayout);

  watch([layout, range], () => {
    observeRows();
    restore();
  }, { flush: 'post' });

  const viewportObserver = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => {
    const el = opts.scroller.value;
    if (!el) return;
    viewport.value = el.clientHeight;
    restore();
  });

  onMounted(() => {
    const el = opts.scroller.value;
    if (!el) return;
    el.addEventListener('scroll', onScroll, { passive: true });
    viewport.value = el.clientHeight;
    viewportObserver?.observe(el);
    void nextTick(() => {
      observeRows();
      restore();
    });
  });

  onBeforeUnmount(() => {
    opts.scroller.value?.removeEventListener('scroll', onScroll);
    resize?.disconnect();
    viewportObserver?.disconnect();
  });

  /**
   * Brings row `key` into view: `center`, or `start` (its top `margin` px
   * below the viewport's top), and keeps it there while rows around it are
   * measured, until the reader scrolls.
   */
  function scrollToKey(key: string, align: 'center' | 'start' = 'center', margin = 0): boolean {
    const offset = offsetOf(key);
    const el = opts.scroller.value;
    if (offset === undefined || !el) return false;
    const height = heights.get(key) ?? opts.estimate(defined(layout.value.index.get(key)));
    const delta = align === 'center' ? Math.max(margin, (el.clientHeight - height) / 2) : margin;
    anchor = { key, delta };
    setScrollTop(listTop() + offset - delta);
    // A row near the end may leave the view at the bottom anyway: then follow new rows.
    following.value = !!opts.stickToBottom && el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    return true;
  }

  function scrollToBottom(): void {
    following.value = opts.stickToBottom ?? false;
    const el = opts.scroller.value;
    if (el) setScrollTop(el.scrollHeight);
  }

  return { range, padTop, padBottom, scrollToKey, scrollToBottom, following, scrollTop, viewport, total };
}
