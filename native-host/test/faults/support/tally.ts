import type { Message } from '../../../../shared/contract.js';
import type { TestHost } from '../../../../testkit/test-host.js';
import type { Accepted } from './burst.js';

/** The whole conversation with `peer`, oldest first, read page by page. */
export async function fullHistory(host: TestHost, peer: string): Promise<Message[]> {
  const pages: Message[][] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await host.api.messages(peer, { limit: 500, offset });
    pages.unshift(page.messages);
    if (!page.has_more) break;
  }
  return pages.flat();
}

export interface Tally {
  /** Messages the sender accepted with 201. */
  sent: number;
  /** Accepted messages present exactly once, intact, at the receiver. */
  delivered: number;
  /** Extra copies: a msg_id or a text stored or announced more than once. */
  duplicated: number;
  /** Accepted messages missing at the receiver. */
  lost: number;
  /** Received messages whose text differs from what was accepted under that msg_id. */
  corrupted: number;
  /** Received messages that were never answered 201 (host killed mid-request): allowed, once. */
  unacknowledged: number;
}

/**
 * Compares what the sender accepted with what the receiver holds (and, when
 * given, every `new_message` event the receiver's clients saw across its
 * restarts: a message announced twice is a duplicate even if stored once).
 */
export function tally(accepted: Map<string, Accepted>, received: Message[], announced: Array<{ msg_id: string }> = []): Tally {
  const byId = new Map<string, Message[]>();
  const byText = new Map<string, number>();
  for (const m of received) {
    byId.set(m.msg_id, [...(byId.get(m.msg_id) ?? []), m]);
    byText.set(m.text, (byText.get(m.text) ?? 0) + 1);
  }
  const shown = new Map<string, number>();
  for (const e of announced) shown.set(e.msg_id, (shown.get(e.msg_id) ?? 0) + 1);

  let duplicated = 0;
  for (const copies of byId.values()) duplicated += copies.length - 1;
  for (const n of byText.values()) duplicated += n - 1;
  for (const n of shown.values()) duplicated += n - 1;

  let delivered = 0;
  let lost = 0;
  let corrupted = 0;
  for (const [msgId, { text }] of accepted) {
    const copies = byId.get(msgId);
    if (!copies) lost += 1;
    else if (copies.some((c) => c.text !== text)) corrupted += 1;
    else delivered += 1;
  }
  const unacknowledged = [...byId.keys()].filter((id) => !accepted.has(id)).length;
  return { sent: accepted.size, delivered, duplicated, lost, corrupted, unacknowledged };
}

/** One stable line per scenario, for CI logs. */
export function report(scenario: string, t: Tally, extra: Record<string, number | string> = {}): void {
  const fields = { ...t, ...extra };
  const line = Object.entries(fields)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  console.log(`faults[${scenario}]: ${line}`);
}
