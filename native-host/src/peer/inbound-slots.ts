/**
 * The peer listener's slots for inbound connections still handshaking, by
 * remote address group (ip-address.ts). Every newcomer gets a slot: when its
 * address already holds `perAddress` of them, its own oldest pending
 * connection makes room; when all `total` are taken, the oldest one of the
 * address holding the most does. A pending connection has proved nothing
 * yet, so the oldest is the likeliest to be a stranger sitting on a slot,
 * while a friend completes the handshake within a round trip or two. One
 * address can therefore never keep others out, however many connections it
 * opens.
 */
export class InboundSlots<T> {
  /** Pending items per group, oldest first; groups in no particular order. */
  private readonly groups = new Map<string, T[]>();
  private readonly groupOf = new Map<T, string>();

  constructor(private readonly caps: { total: number; perAddress: number }) {}

  get size(): number {
    return this.groupOf.size;
  }

  /** Takes a slot for `item` from `group`; returns the pending items to close to make room. */
  admit(group: string, item: T): T[] {
    const evicted: T[] = [];
    const own = () => this.groups.get(group)?.length ?? 0;
    while (own() >= this.caps.perAddress || this.size >= this.caps.total) {
      const from = own() >= this.caps.perAddress ? group : this.busiest();
      const oldest = this.groups.get(from)?.[0];
      if (oldest === undefined) break;
      this.release(oldest);
      evicted.push(oldest);
    }
    const list = this.groups.get(group);
    if (list) list.push(item);
    else this.groups.set(group, [item]);
    this.groupOf.set(item, group);
    return evicted;
  }

  /** The item finished its handshake or closed. */
  release(item: T): void {
    const group = this.groupOf.get(item);
    if (group === undefined) return;
    this.groupOf.delete(item);
    const list = this.groups.get(group)!;
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
