import { createPinia, setActivePinia } from 'pinia';
import { EventStream } from '../services/event-stream.js';
import { useChatStore } from '../stores/chat.js';
import { useContactsStore } from '../stores/contacts.js';
import { useMessageChangesStore } from '../stores/message-changes.js';
import { useSessionStore } from '../stores/session.js';
import { useUiStore } from '../stores/ui.js';
import { wireEvents } from '../stores/wire-events.js';
import { FakeHost } from './fake-host.js';
import { FakeWebSocket } from './fake-websocket.js';

/** Fresh Pinia, a fake host and an open fake event stream, wired like the app. */
export function setupStores() {
  const pinia = createPinia();
  setActivePinia(pinia);
  FakeWebSocket.reset();
  const host = new FakeHost();
  const stream = new EventStream({ url: 'ws://127.0.0.1:1/events', WebSocketImpl: FakeWebSocket });
  stream.connect();
  const ws = FakeWebSocket.latest();
  ws.open();
  const session = useSessionStore();
  session.attach(host.client(), stream);
  const chat = useChatStore();
  const contacts = useContactsStore();
  const ui = useUiStore();
  const changes = useMessageChangesStore();
  wireEvents(stream, chat, contacts, changes);
  return { pinia, host, stream, ws, session, chat, contacts, ui, changes };
}
