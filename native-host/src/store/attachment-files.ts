import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CONTENT_HASH_PATTERN } from '../crypto/content-hash.js';

/** The attachment store's folder inside the data dir. */
export const ATTACHMENTS_DIR = 'attachments';

const ATTACHMENT_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The bytes of attachments on disk, inside `<data-dir>/attachments/`:
 *
 *   files/<hash>      complete files, named by their BLAKE2b-256 (hex): a
 *                     file sent or received twice is kept once
 *   partial/<id>      files being received, by attachment id
 *   incoming/<uuid>   uploads being written
 *
 * Every path is built here from a hash or an id that must match its
 * pattern, never from anything else a client or a friend sends, so nothing
 * lands outside these folders. Moves into files/ are synchronous, so the
 * caller records them in the database in the same tick and a sweep never
 * sees a file between the two.
 */
export class AttachmentFiles {
  readonly root: string;
  private readonly dirs: { files: string; partial: string; incoming: string };
  /** Uploads being written now: a sweep leaves them alone. */
  private readonly writing = new Set<string>();

  constructor(dataDir: string) {
    this.root = path.join(dataDir, ATTACHMENTS_DIR);
    this.dirs = { files: path.join(this.root, 'files'), partial: path.join(this.root, 'partial'), incoming: path.join(this.root, 'incoming') };
    for (const dir of Object.values(this.dirs)) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  filePath(hash: string): string {
    if (!CONTENT_HASH_PATTERN.test(hash)) throw new TypeError('not a content hash');
    return path.join(this.dirs.files, hash);
  }

  partialPath(id: string): string {
    if (!ATTACHMENT_ID.test(id)) throw new TypeError('not an attachment id');
    return path.join(this.dirs.partial, id);
  }

  has(hash: string): boolean {
    return fs.existsSync(this.filePath(hash));
  }

  /** A fresh path for an upload; `release` it when the upload is adopted or abandoned. */
  incomingPath(): string {
    const file = path.join(this.dirs.incoming, randomUUID());
    this.writing.add(file);
    return file;
  }

  release(file: string): void {
    this.writing.delete(file);
    fs.rmSync(file, { force: true });
  }

  /** Moves a written, synced file into the store under its hash (a copy already there wins). */
  adopt(file: string, hash: string): void {
    const target = this.filePath(hash);
    if (fs.existsSync(target)) fs.rmSync(file, { force: true });
    else fs.renameSync(file, target);
    this.writing.delete(file);
  }

  /** Moves a fully received, synced partial file into the store under its hash. */
  adoptPartial(id: string, hash: string): void {
    this.adopt(this.partialPath(id), hash);
  }

  /** Stores bytes held in memory under their hash: written beside, synced, then moved in. */
  writeFile(hash: string, bytes: Uint8Array): void {
    if (this.has(hash)) return;
    const file = this.incomingPath();
    const fd = fs.openSync(file, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    this.adopt(file, hash);
  }

  removePartial(id: string): void {
    fs.rmSync(this.partialPath(id), { force: true });
  }

  /**
   * Deletes what nothing needs any more: files whose hash `keep` no longer
   * holds, partial files of transfers not under way, and (at start-up)
   * uploads a crash left behind. `keep` and `receiving` are asked per file,
   * right before it goes.
   */
  async sweep(keep: (hash: string) => boolean, receiving: (id: string) => boolean, startUp = false): Promise<number> {
    let removed = 0;
    const remove = (file: string) => {
      fs.rmSync(file, { force: true });
      removed += 1;
    };
    for (const name of await fs.promises.readdir(this.dirs.files)) {
      if (!CONTENT_HASH_PATTERN.test(name) || !keep(name)) remove(path.join(this.dirs.files, name));
    }
    for (const name of await fs.promises.readdir(this.dirs.partial)) {
      if (!ATTACHMENT_ID.test(name) || !receiving(name)) remove(path.join(this.dirs.partial, name));
    }
    if (startUp) {
      for (const name of await fs.promises.readdir(this.dirs.incoming)) {
        const file = path.join(this.dirs.incoming, name);
        if (!this.writing.has(file)) remove(file);
      }
    }
    return removed;
  }
}
