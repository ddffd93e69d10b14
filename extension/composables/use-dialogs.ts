import { ref } from 'vue';

/** Which of the app's dialogs is open: none, add-friend, or a friend's details. */
export function useDialogs() {
  const adding = ref(false);
  const detailsFor = ref<string | null>(null);
  return { adding, detailsFor };
}
