import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors.js';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The contract's access control, shared by the REST and WebSocket servers:
 * a loopback Host (no DNS rebinding), an allowed Origin when one is sent,
 * and the bearer token unless auth is off.
 */
export class AccessPolicy {
  private readonly token: Buffer | null;
  private readonly origins: Set<string>;

  constructor(options: { token: string | null; allowOrigins: string[] }) {
    this.token = options.token === null ? null : Buffer.from(options.token);
    this.origins = new Set(options.allowOrigins);
  }

  /** Throws FORBIDDEN for a foreign Host or Origin. */
  checkOrigin(req: IncomingMessage): void {
    const port = req.socket.localPort;
    const host = req.headers.host?.toLowerCase();
    if (!host || !LOOPBACK_NAMES.some((name) => host === `${name}:${port}`)) {
      throw errors.forbidden('Forbidden Host header');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.isAllowedOrigin(origin)) throw errors.forbidden('Forbidden Origin');
  }

  /**
   * Firefox gives every installed add-on a random moz-extension:// origin,
   * unknown in advance. With token auth on, such origins are let through to
   * the token check: a page can't have one, and only our add-on receives the
   * token (over native messaging).
   */
  isAllowedOrigin(origin: string): boolean {
    const normalised = origin.replace(/\/+$/, '');
    return this.origins.has(normalised) || (this.token !== null && normalised.startsWith('moz-extension://'));
  }

  /** Throws UNAUTHORIZED unless the request carries the token (header, or `?token=` when allowed). */
  checkToken(req: IncomingMessage, allowQuery: boolean): void {
    if (this.token === null) return;
    let presented: string | undefined;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) presented = header.slice(7).trim();
    if (presented === undefined && allowQuery) {
      presented = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
    }
    if (presented === undefined || !matches(presented, this.token)) throw errors.unauthorized();
  }
}

function matches(presented: string, token: Buffer): boolean {
  const candidate = Buffer.from(presented);
  return candidate.length === token.length && timingSafeEqual(candidate, token);
}
