import { IMAGE_SNIFF_BYTES, sniffImageType, type InlineImageType } from '../../shared/image-type.js';

/** An image the chat can show: a small picture for the bubble and the whole file for the viewer, as object URLs. */
export interface ImagePreview {
  type: InlineImageType;
  thumb: string;
  full: string;
  width: number;
  height: number;
}

/** Longest side of a thumbnail, in CSS pixels. */
export const THUMB_PX = 280;

/**
 * Makes the preview of an attachment from its bytes, here in the page: the
 * type comes from the first bytes (never from the sender's name or declared
 * type), only the raster types of shared/image-type.ts qualify, and the
 * picture is decoded by the browser and redrawn small on a canvas. Null
 * for anything else, an SVG or HTML file included: it stays a file.
 */
export async function imagePreview(bytes: Blob): Promise<ImagePreview | null> {
  const type = sniffImageType(new Uint8Array(await bytes.slice(0, IMAGE_SNIFF_BYTES).arrayBuffer()));
  if (!type) return null;
  const typed = new Blob([bytes], { type });
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(typed);
  } catch {
    // Not an image after all (or one the browser cannot decode): a file.
    return null;
  }
  const { width, height } = bitmap;
  const scale = Math.min(1, (THUMB_PX * (globalThis.devicePixelRatio || 1)) / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const thumb = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type === 'image/jpeg' ? 'image/jpeg' : 'image/png', 0.85));
  if (!thumb) return null;
  return { type, thumb: URL.createObjectURL(thumb), full: URL.createObjectURL(typed), width, height };
}

/** Frees a preview's object URLs. */
export function releasePreview(preview: ImagePreview): void {
  URL.revokeObjectURL(preview.thumb);
  URL.revokeObjectURL(preview.full);
}

/** Saves bytes as a file through the browser's own download, under `name`. */
export function saveAs(bytes: Blob, name: string): void {
  const url = URL.createObjectURL(bytes);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once started; give it a moment before letting go.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
