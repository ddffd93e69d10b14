import { MAX_ATTACHMENT_NAME_BYTES } from '../../../../shared/contract.js';

/** Names Windows will not create a file under, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;
// C0 and C1 controls, DEL, and the invisible characters that reorder or hide
// text (bidi overrides and isolates, zero-width marks): "cod.exe" shown as
// "exe.doc" is how such names are abused.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;
// Characters no common file system takes in a name.
const FORBIDDEN = /[<>:"|?*]/g;
const FALLBACK = 'file';

const encoder = new TextEncoder();

/**
 * A name safe to show and to save under: the last path segment only, no
 * control or invisible characters, none that file systems refuse, no
 * leading dots or trailing dots and spaces, not a reserved device name, and
 * at most MAX_ATTACHMENT_NAME_BYTES of UTF-8 (shortened before the
 * extension). Used on uploads and on every name a friend sends.
 */
export function safeFileName(input: string, maxBytes = MAX_ATTACHMENT_NAME_BYTES): string {
  let name = input.normalize('NFC').replace(INVISIBLE, '');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.replace(FORBIDDEN, '_').replace(/\s+/g, ' ').trim();
  name = name.replace(/^\.+/, '').replace(/[. ]+$/, '');
  if (RESERVED.test(name)) name = `_${name}`;
  name = shorten(name, maxBytes);
  return name === '' ? FALLBACK : name;
}

/** Cuts the stem, not the extension, at a character boundary, to fit `maxBytes`. */
function shorten(name: string, maxBytes: number): string {
  if (encoder.encode(name).length <= maxBytes) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  const room = maxBytes - encoder.encode(ext).length;
  let stem = '';
  for (const char of name.slice(0, name.length - ext.length)) {
    if (encoder.encode(stem + char).length > room) break;
    stem += char;
  }
  return stem.trimEnd() + ext;
}
