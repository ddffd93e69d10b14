import { ref } from 'vue';

/** Which of the app's dialogs is open: none, add-friend, a friend's details, or your account. */
export function useDialogs() {
  const adding = ref(false);
  const detailsFor = ref<string | null>(null);
  const account = ref(false);
  return { adding, detailsFor, account };
}
