import type { SendResult } from '../../../../shared/contract.js';
import type { TestHost } from '../../../../testkit/test-host.js';

/** A message the sender answered 201 for. */
export interface Accepted {
  text: string;
  result: SendResult;
}

export interface BurstOptions {
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Called after each 201, with how many have been accepted so far and all of them. */
  onAccepted?: (count: number, accepted: ReadonlyMap<string, Accepted>) => void | Promise<void>;
}

export interface BurstOutcome {
  /** msg_id → what was accepted, in order of the answers. */
  accepted: Map<string, Accepted>;
  /** Texts whose POST got no 201 (host killed, connection reset): these may or may not arrive, once at most. */
  unanswered: string[];
}

/**
 * Sends `count` messages with unique texts `${label} #i` from `host` to `to`,
 * a few at a time. Every request is attempted once and never re-posted, so a
 * text seen twice at the receiver is a duplicate made by the hosts.
 */
export async function burst(host: TestHost, to: string, label: string, count: number, options: BurstOptions = {}): Promise<BurstOutcome> {
  const accepted = new Map<string, Accepted>();
  const unanswered: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const text = `${label} #${next++}`;
      let result: SendResult;
      try {
        result = await host.api.send(to, text);
      } catch {
        unanswered.push(text);
        continue;
      }
      accepted.set(result.msg_id, { text, result });
      await options.onAccepted?.(accepted.size, accepted);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return { accepted, unanswered };
}
