import type { Grant } from '../store/grants-repo.js';
import { GRANT_KIND, grantBodySchema, type Capabilities } from './capabilities.js';
import type { ItemHandler } from './item-kinds.js';

/**
 * Receiving a friend's capabilities: kept (the highest serial wins), acked
 * even when older than the ones held, and announced once the batch commits
 * so their mail and presence lookups can start.
 */
export function grantItem(deps: { capabilities: Pick<Capabilities, 'received'>; onGranted: (peer: string) => void }): ItemHandler<Grant> {
  return {
    kind: GRANT_KIND,
    parse: (body) => {
      const parsed = grantBodySchema.safeParse(body);
      return parsed.success ? parsed.data : null;
    },
    commit: (from, _id, body) => {
      const kept = deps.capabilities.received(from, body);
      return { ack: true, announce: kept ? () => deps.onGranted(from) : undefined };
    },
  };
}
