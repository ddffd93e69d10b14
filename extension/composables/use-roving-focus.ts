import { type Ref, nextTick, onMounted, ref } from 'vue';
import { defined } from '../../shared/defined.js';

/**
 * Keyboard behaviour of a small popup of buttons (a toolbar or a menu):
 * focus moves between them with the arrow keys along `axis`, Home and End;
 * only the focused one is in the tab order; Escape, or focus leaving the
 * popup, closes it. The first focused is `start`.
 */
export function useRovingFocus(opts: {
  container: Ref<HTMLElement | null>;
  count: () => number;
  axis: 'horizontal' | 'vertical';
  start?: number;
  close: () => void;
}) {
  const active = ref(opts.start ?? 0);

  function focusAt(i: number): void {
    const n = opts.count();
    active.value = (i + n) % n;
    opts.container.value?.querySelectorAll<HTMLElement>('button')[active.value]?.focus();
  }

  function onKeydown(e: KeyboardEvent): void {
    const [back, forward] = opts.axis === 'horizontal' ? ['ArrowLeft', 'ArrowRight'] : ['ArrowUp', 'ArrowDown'];
    const moves: Record<string, number> = { [back]: active.value - 1, [forward]: active.value + 1, Home: 0, End: opts.count() - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusAt(defined(moves[e.key]));
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      opts.close();
    }
  }

  function onFocusOut(e: FocusEvent): void {
    if (!opts.container.value?.contains(e.relatedTarget as Node | null)) opts.close();
  }

  onMounted(() => void nextTick(() => focusAt(active.value)));

  return { active, onKeydown, onFocusOut };
}
