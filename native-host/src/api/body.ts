import type { IncomingMessage } from 'node:http';
import { errors } from '../errors.js';

/**
 * Reads a request body up to `maxBytes`. Over the limit: PAYLOAD_TOO_LARGE,
 * found from Content-Length before reading when it is declared.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) throw errors.payloadTooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw errors.payloadTooLarge(maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An empty body is `undefined`; anything else must be JSON. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw errors.badRequest('Request body is not valid JSON');
  }
}
