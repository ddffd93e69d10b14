import type { Introduction } from '../../../shared/contract.js';
import type { Limits } from '../config/limits.js';
import { errors } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ItemFrame } from '../peer/peer-protocol.js';
import type { Grant } from '../store/grants-repo.js';
import type { IntroductionsRepo } from '../store/introductions-repo.js';
import { grantBodySchema } from './capabilities.js';
import type { EventBus } from './event-bus.js';

/**
 * Grants from people who added us before we added them ("wants to chat").
 * Kept by name and the identity key the envelope proved, at most
 * `maxIntroductions` (the newest) for `introductionMaxAgeMs`, so strangers
 * cannot fill the profile. Adding that name later applies the grant only if
 * the directory shows the same key.
 */
export class Introductions {
  constructor(
    private readonly deps: {
      repo: IntroductionsRepo;
      bus: EventBus;
      limits: Pick<Limits, 'maxIntroductions' | 'introductionMaxAgeMs'>;
      log: Logger;
    },
  ) {}

  keep(username: string, publicKey: string, frame: ItemFrame): void {
    const body = grantBodySchema.safeParse(frame.body);
    if (!body.success) {
      this.deps.log.info('dropped a malformed introduction', { from: username });
      return;
    }
    const { maxIntroductions, introductionMaxAgeMs } = this.deps.limits;
    const now = Date.now();
    this.deps.repo.put(
      { username, public_key: publicKey, item_id: frame.id, body: JSON.stringify(body.data), received_at: new Date(now).toISOString() },
      maxIntroductions,
      new Date(now - introductionMaxAgeMs).toISOString(),
    );
    this.deps.bus.emit('introduction', { username });
  }

  list(): Introduction[] {
    const since = Date.now() - this.deps.limits.introductionMaxAgeMs;
    return this.deps.repo
      .all()
      .filter((row) => Date.parse(row.received_at) >= since)
      .map(({ username, public_key, received_at }) => ({ username, public_key, received_at }));
  }

  dismiss(username: string): void {
    if (this.deps.repo.take(username).length === 0) throw errors.userNotFound(username);
  }

  /** We added `username` with this key: their grant and its item id, if they introduced themselves with it. */
  accept(username: string, publicKey: string): { itemId: string; grant: Grant } | null {
    const match = this.deps.repo.take(username).find((row) => row.public_key === publicKey);
    if (!match) return null;
    const grant = grantBodySchema.safeParse(JSON.parse(match.body));
    return grant.success ? { itemId: match.item_id, grant: grant.data } : null;
  }
}
