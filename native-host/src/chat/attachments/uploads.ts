import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Attachment } from '../../../../shared/contract.js';
import { ContentHasher } from '../../crypto/content-hash.js';
import { errors } from '../../errors.js';
import type { AttachmentFiles } from '../../store/attachment-files.js';
import type { AttachmentsRepo } from '../../store/attachments-repo.js';
import { toAttachment } from './attachment-view.js';
import { declaredType } from './declared-type.js';
import { safeFileName } from './file-name.js';
import type { Quota } from './quota.js';

/** An upload as the API hands it over: a name, a declared type, and the body as it streams in. */
export interface UploadInput {
  name: string;
  type: string | undefined;
  /** The body's declared length, when the client sent one: refused before reading when over a limit. */
  length: number | null;
  body: AsyncIterable<Uint8Array>;
}

/**
 * POST /attachments: the body streams into a new file in the store while it
 * is hashed, never whole in memory, within the attachment limit and the
 * quota; once complete and synced it moves under its hash. Nothing is kept
 * of an upload that fails.
 */
export class Uploads {
  constructor(
    private readonly deps: {
      repo: Pick<AttachmentsRepo, 'insertUpload'>;
      files: AttachmentFiles;
      quota: Quota;
      maxAttachmentBytes: number;
    },
  ) {}

  async receive(input: UploadInput): Promise<Attachment> {
    const { maxAttachmentBytes } = this.deps;
    if (input.length !== null && input.length > maxAttachmentBytes) throw errors.attachmentTooLarge(maxAttachmentBytes);
    const file = this.deps.files.incomingPath();
    const hasher = new ContentHasher();
    let held = 0;
    const hold = (bytes: number) => {
      this.deps.quota.hold(bytes);
      held += bytes;
    };
    let handle: fs.promises.FileHandle | undefined;
    try {
      if (input.length !== null) hold(input.length);
      handle = await fs.promises.open(file, 'w', 0o600);
      for await (const chunk of input.body) {
        if (hasher.bytes + chunk.length > maxAttachmentBytes) throw errors.attachmentTooLarge(maxAttachmentBytes);
        if (hasher.bytes + chunk.length > held) hold(hasher.bytes + chunk.length - held);
        hasher.update(chunk);
        await handle.write(chunk);
      }
      await handle.sync();
      await handle.close();
      handle = undefined;
      const size = hasher.bytes;
      const hash = hasher.digest();
      // The move and the row in one tick: a sweep never sees the file without its row.
      this.deps.files.adopt(file, hash);
      return toAttachment(
        this.deps.repo.insertUpload({ attachment_id: randomUUID(), hash, name: safeFileName(input.name), size, mime: declaredType(input.type) }),
      );
    } catch (err) {
      hasher.discard();
      await handle?.close().catch(() => undefined);
      this.deps.files.release(file);
      throw err;
    } finally {
      this.deps.quota.release(held);
    }
  }
}
