import { defined } from '../../../shared/defined.js';

/**
 * The peer listener's slots for inbound connections still handshaking, by
 * remote address group (ip-address.ts). Every newcomer gets a slot: when its
 * address already holds `perAddress` of them, one of that address's makes
 * room; when all `total` are taken, one of the address holding the most
 * does. The one closed is the likeliest stranger sitting on a slot: the
 * oldest that has sent nothing yet, else the oldest of all. A friend sends
 * its first handshake message at once and finishes within a round trip or
 * two, so one address can never keep others out, nor a friend sharing its
 * address, by holding connections open.
 */
export class InboundSlots<T> {
  /** Pending items per group, oldest first; groups in no particular order. */
  private readonly groups = new Map<string, T[]>();
  private readonly groupOf = new Map<T, string>();
  /** Items that have sent something (their first handshake message). */
  private readonly active = new Set<T>();

  constructor(private readonly caps: { total: number; perAddress: number }) {}

  get size(): number {
    return this.groupOf.size;
  }

  /** Takes a slot for `item` from `group`; returns the pending items to close to make room. */
  admit(group: string, item: T): T[] {
    const evicted: T[] = [];
    const own = () => this.groups.get(group)?.length ?? 0;
    while (own() >= this.caps.perAddress || this.size >= this.caps.total) {
      const list = this.groups.get(own() >= this.caps.perAddress ? group : this.busiest());
      const victim = list?.find((pending) => !this.active.has(pending)) ?? list?.[0];
      if (victim === undefined) break;
      this.release(victim);
      evicted.push(victim);
    }
    const list = this.groups.get(group);
    if (list) list.push(item);
    else this.groups.set(group, [item]);
    this.groupOf.set(item, group);
    return evicted;
  }

  /** The item sent its first message: it is closed only after those that sent nothing. */
  markActive(item: T): void {
    if (this.groupOf.has(item)) this.active.add(item);
  }

  /** The item finished its handshake or closed. */
  release(item: T): void {
    const group = this.groupOf.get(item);
    if (group === undefined) return;
    this.groupOf.delete(item);
    this.active.delete(item);
    const list = defined(this.groups.get(group));
    list.splice(list.indexOf(item), 1);
    if (list.length === 0) this.groups.delete(group);
  }

  private busiest(): string {
    let best = '';
    let most = -1;
    for (const [group, list] of this.groups) {
      if (list.length > most) [best, most] = [group, list.length];
    }
    return best;
  }
}
