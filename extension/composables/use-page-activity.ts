import { onBeforeUnmount, onMounted, ref } from 'vue';

/** Whether this page is visible and whether it has focus, kept live. */
export function usePageActivity() {
  const visible = ref(document.visibilityState === 'visible');
  const focused = ref(document.hasFocus());
  const update = () => {
    visible.value = document.visibilityState === 'visible';
    focused.value = document.hasFocus();
  };
  onMounted(() => {
    document.addEventListener('visibilitychange', update);
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    update();
  });
  onBeforeUnmount(() => {
    document.removeEventListener('visibilitychange', update);
    window.removeEventListener('focus', update);
    window.removeEventListener('blur', update);
  });
  return { visible, focused };
}
