import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Attachment } from '../../shared/contract.js';
import { imagePreview, releasePreview, saveAs, type ImagePreview } from '../services/image-preview.js';
import { useSessionStore } from './session.js';
import { errorText } from './types.js';
import { defined } from '../../shared/defined.js';

/** Larger files are not fetched just to show a thumbnail: they stay a file to download or open. */
export const MAX_PREVIEW_BYTES = 25 * 1000 * 1000;
/** Previews kept at once; the oldest make room (their object URLs are freed). */
const MAX_PREVIEWS = 150;

export type PreviewState =
  | { state: 'loading' }
  | { state: 'image'; preview: ImagePreview }
  | { state: 'file' }
  | { state: 'error'; error: string };

/**
 * Pictures of image attachments, made in the page from the bytes the host
 * serves (services/image-preview.ts), kept by attachment id while the page
 * lives, and downloads of any attachment under its name.
 */
export const useAttachmentsStore = defineStore('attachments', () => {
  const session = useSessionStore();
  const previews = ref<Record<string, PreviewState>>({});
  const order: string[] = [];
  /** Pictures still being made when their file got the host's id: they land under the new one. */
  const renamed = new Map<string, string>();

  /** Whether an attachment is worth fetching for a picture: the declared type is only a hint, the bytes decide. */
  function mayBeImage(a: Pick<Attachment, 'mime' | 'size'>): boolean {
    return a.mime.startsWith('image/') && a.size > 0 && a.size <= MAX_PREVIEW_BYTES;
  }

  /** What an attachment shows as now (read only: `ensure` starts the loading). */
  function preview(a: Pick<Attachment, 'attachment_id' | 'mime' | 'size'>): PreviewState {
    return previews.value[a.attachment_id] ?? (mayBeImage(a) ? { state: 'loading' } : { state: 'file' });
  }

  /** Fetches an image attachment's bytes from the host and makes its picture, once. */
  function ensure(a: Pick<Attachment, 'attachment_id' | 'mime' | 'size'>): void {
    if (previews.value[a.attachment_id] || !mayBeImage(a)) return;
    void load(a.attachment_id, () => session.requireApi().attachmentBlob(a.attachment_id));
  }

  /** A picture from bytes the page already holds (a file being sent), under the attachment's id. */
  function fromLocal(id: string, file: Blob): void {
    if (previews.value[id] || !file.type.startsWith('image/') || file.size > MAX_PREVIEW_BYTES) return;
    void load(id, async () => file);
  }

  /** The same picture under the id the host gave the file. */
  function rename(from: string, to: string): void {
    const known = previews.value[from];
    if (!known || previews.value[to]) return;
    const { [from]: _moved, ...rest } = previews.value;
    previews.value = { ...rest, [to]: known };
    if (known.state === 'loading') renamed.set(from, to);
    const at = order.indexOf(from);
    if (at >= 0) order[at] = to;
  }

  async function load(id: string, bytes: () => Promise<Blob>): Promise<void> {
    set(id, { state: 'loading' });
    let state: PreviewState;
    try {
      const made = await imagePreview(await bytes());
      state = made ? { state: 'image', preview: made } : { state: 'file' };
    } catch (err) {
      // No decoder here, or the host refused (still arriving): shown as a file, tried again when asked later.
      state = { state: 'error', error: errorText(err) };
    }
    const now = renamed.get(id) ?? id;
    renamed.delete(id);
    set(now, state);
  }

  function set(id: string, state: PreviewState): void {
    const old = previews.value[id];
    if (old?.state === 'image' && (state.state !== 'image' || state.preview !== old.preview)) releasePreview(old.preview);
    previews.value = { ...previews.value, [id]: state };
    if (!order.includes(id)) order.push(id);
    while (order.length > MAX_PREVIEWS) forget(defined(order.shift()));
  }

  /** Tries a failed preview again (the file was still arriving). */
  function retry(id: string): void {
    if (previews.value[id]?.state === 'error') forget(id);
  }

  function forget(id: string): void {
    const old = previews.value[id];
    if (old?.state === 'image') releasePreview(old.preview);
    const { [id]: _dropped, ...rest } = previews.value;
    previews.value = rest;
    const at = order.indexOf(id);
    if (at >= 0) order.splice(at, 1);
  }

  /** Saves an attachment through the browser's download, under its (already safe) name. */
  async function download(a: Pick<Attachment, 'attachment_id' | 'name'>): Promise<void> {
    saveAs(await session.requireApi().attachmentBlob(a.attachment_id), a.name);
  }

  return { previews, mayBeImage, preview, ensure, fromLocal, rename, retry, forget, download };
});
