import type { AttachmentDownload } from '../chat/attachments/attachments.js';

/**
 * The headers of GET /attachments/:id. Only the raster types the chat
 * shows, recognised from the file's own bytes, are served inline; the rest
 * is a download of opaque bytes (the declared type is a friend's word, and
 * `text/html` or `image/svg+xml` has no business here). Nothing is sniffed by the
 * browser (nosniff, from the server's common headers) and nothing served
 * may run script (a sandbox CSP), whatever the sender put in the file.
 */
export function fileHeaders(file: AttachmentDownload): Record<string, string> {
  return {
    'Content-Type': file.inline ?? 'application/octet-stream',
    'Content-Length': String(file.size),
    'Content-Disposition': contentDisposition(file.inline ? 'inline' : 'attachment', file.name),
    'Content-Security-Policy': "default-src 'none'; sandbox",
  };
}

/** RFC 6266: a plain ASCII `filename` for old clients, and the exact name as RFC 5987 `filename*`. */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const exact = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}
