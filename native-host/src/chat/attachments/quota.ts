import { errors } from '../../errors.js';
import type { AttachmentsRepo } from '../../store/attachments-repo.js';

/**
 * The attachment store's disk quota: files kept (each once), room held for
 * files being received, and uploads being written. An upload holds room as
 * it grows, so two at once cannot both squeeze under the quota.
 */
export class Quota {
  private held = 0;

  constructor(
    private readonly repo: Pick<AttachmentsRepo, 'usage'>,
    private readonly quotaBytes: number,
  ) {}

  get limit(): number {
    return this.quotaBytes;
  }

  /** Whether `bytes` more would fit now. */
  fits(bytes: number): boolean {
    return this.repo.usage() + this.held + bytes <= this.quotaBytes;
  }

  /** Holds `bytes` for an upload; ATTACHMENT_QUOTA_EXCEEDED when they do not fit. */
  hold(bytes: number): void {
    if (!this.fits(bytes)) throw errors.attachmentQuotaExceeded(this.quotaBytes);
    this.held += bytes;
  }

  /** Gives back what an upload held (adopted into the store, or abandoned). */
  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}
