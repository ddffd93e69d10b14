import type { HostEvent, HostEventMap, HostEventName } from '../../../shared/contract.js';

export type EventListener = (event: HostEvent) => void;

/** Fan-out of host events to every subscriber (WebSocket clients, native bridge). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<K extends HostEventName>(event: K, data: HostEventMap[K]): void {
    const frame = { event, data } as HostEvent;
    for (const listener of this.listeners) listener(frame);
  }
}
