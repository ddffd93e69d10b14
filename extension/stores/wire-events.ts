import type { EventStream } from '../services/event-stream.js';
import type { useChatStore } from './chat.js';
import type { useContactsStore } from './contacts.js';
import { useIntroductionsStore } from './introductions.js';
import type { useMessageChangesStore } from './message-changes.js';

type ChatStore = ReturnType<typeof useChatStore>;
type ContactsStore = ReturnType<typeof useContactsStore>;
type ChangesStore = ReturnType<typeof useMessageChangesStore>;

/** Routes host events into the stores; returns a function that unhooks them. */
export function wireEvents(stream: EventStream, chat: ChatStore, contacts: ContactsStore, changes: ChangesStore): () => void {
  const introductions = useIntroductionsStore();
  const offs = [
    stream.on('new_message', (m) => void chat.receive(m)),
    // The host's list also says whether a connection reaches them now (path): fetch it with the change.
    stream.on('friend_online', ({ username }) => {
      contacts.setOnline(username, true);
      void contacts.refresh();
    }),
    stream.on('friend_offline', ({ username }) => {
      contacts.setOnline(username, false);
      void contacts.refresh();
    }),
    stream.on('typing', ({ username, typing }) => chat.setTyping(username, typing)),
    stream.on('message_status', (ev) => chat.applyStatus(ev)),
    stream.on('message_updated', (m) => changes.apply(m)),
    stream.on('friends_changed', () => void contacts.refresh()),
    stream.on('key_changed', ({ username }) => contacts.markKeyChanged(username)),
    stream.on('key_rotated', () => void contacts.refresh()),
    stream.on('introduction', () => void introductions.refresh()),
    stream.on('friends_changed', () => void introductions.refresh()),
  ];
  return () => offs.forEach((off) => off());
}
