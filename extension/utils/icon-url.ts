/** Path of the bundled app icon of a given size (files in `public/icon/`). */
export function iconUrl(size: 16 | 32 | 48 | 128): string {
  return `/icon/${size}.png`;
}
