import { type Ref, nextTick, onBeforeUnmount, onMounted, watch } from 'vue';

/** Within this many pixels of the bottom the view follows new messages. */
const STICK_PX = 80;

/**
 * Scroll behaviour of a message list: starts at the newest message, follows
 * new ones while the reader is at the bottom, and loads older pages when the
 * top sentinel comes into view without moving what the reader sees.
 */
export function useChatScroll(opts: {
  scroller: Ref<HTMLElement | null>;
  sentinel: Ref<HTMLElement | null>;
  count: () => number;
  loadOlder: () => Promise<number>;
  resetKey: () => unknown;
}) {
  let stuck = true;
  let observer: IntersectionObserver | null = null;
  let loading = false;

  function toBottom(): void {
    const el = opts.scroller.value;
    if (el) el.scrollTop = el.scrollHeight;
  }

  async function older(): Promise<void> {
    const el = opts.scroller.value;
    if (!el || loading) return;
    loading = true;
    const fromBottom = el.scrollHeight - el.scrollTop;
    try {
      const added = await opts.loadOlder();
      if (added > 0) {
        await nextTick();
        el.scrollTop = el.scrollHeight - fromBottom;
      }
    } finally {
      loading = false;
    }
  }

  function onScroll(): void {
    const el = opts.scroller.value;
    if (!el) return;
    stuck = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
    if (el.scrollTop < 4 && typeof IntersectionObserver === 'undefined') void older();
  }

  watch(opts.count, async () => {
    if (!stuck || loading) return;
    await nextTick();
    toBottom();
  });

  watch(opts.resetKey, async () => {
    stuck = true;
    await nextTick();
    toBottom();
  });

  onMounted(() => {
    opts.scroller.value?.addEventListener('scroll', onScroll, { passive: true });
    void nextTick(toBottom);
    if (typeof IntersectionObserver !== 'undefined') {
      observer = new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting)) void older();
      }, { root: opts.scroller.value, rootMargin: '200px 0px 0px 0px' });
      watch(opts.sentinel, (el, prev) => {
        if (prev) observer?.unobserve(prev);
        if (el) observer?.observe(el);
      }, { immediate: true });
    }
  });

  onBeforeUnmount(() => {
    opts.scroller.value?.removeEventListener('scroll', onScroll);
    observer?.disconnect();
  });

  return { older, toBottom };
}
