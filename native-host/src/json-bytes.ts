import { errors } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a frame body as strict UTF-8 JSON; anything else is FRAME_INVALID. */
export function decodeJsonBytes(body: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw errors.frameInvalid('body is not valid UTF-8');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.frameInvalid('body is not valid JSON');
  }
}
