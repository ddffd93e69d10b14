import type { ErrorBody } from '../../../shared/contract.js';
import { ParleyError, type ErrorCode } from '../errors.js';

/** The one place a failure becomes an HTTP status. */
const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  INVALID_USERNAME: 400,
  SELF_FRIEND: 400,
  TEXT_EMPTY: 400,
  TEXT_TOO_LONG: 400,
  QUERY_EMPTY: 400,
  QUERY_TOO_LONG: 400,
  EMOJI_INVALID: 400,
  TOO_MANY_ATTACHMENTS: 400,
  FRAME_INVALID: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_YOUR_MESSAGE: 403,
  RECOVERY_REFUSED: 403,
  CAPABILITY_REQUIRED: 403,
  USER_NOT_FOUND: 404,
  NOT_A_FRIEND: 404,
  MESSAGE_NOT_FOUND: 404,
  ATTACHMENT_NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_SET_UP: 409,
  ALREADY_SET_UP: 409,
  USERNAME_TAKEN: 409,
  ALREADY_FRIENDS: 409,
  MESSAGE_DELETED: 409,
  ATTACHMENT_NOT_READY: 409,
  ATTACHMENT_IN_USE: 409,
  SAFETY_NUMBER_CHANGED: 409,
  PAYLOAD_TOO_LARGE: 413,
  ATTACHMENT_TOO_LARGE: 413,
  ATTACHMENT_QUOTA_EXCEEDED: 413,
  FRAME_TOO_LARGE: 413,
  DIRECTORY_REJECTED: 502,
  DIRECTORY_LIMIT: 502,
  PROOF_REQUIRED: 502,
  RATE_LIMITED: 429,
  QUOTA_EXCEEDED: 507,
  DIRECTORY_UNREACHABLE: 503,
  DIAL_TIMEOUT: 503,
  DIAL_ABORTED: 503,
  DIAL_FAILED: 503,
  HANDSHAKE_FAILED: 500,
  DECRYPT_FAILED: 500,
  NONCE_EXHAUSTED: 500,
  ENVELOPE_INVALID: 500,
  INTERNAL: 500,
};

export function toHttpError(err: unknown): { status: number; body: Required<ErrorBody> } {
  if (err instanceof ParleyError) {
    return { status: STATUS[err.code], body: { error: err.message, code: err.code } };
  }
  return { status: 500, body: { error: 'Internal error', code: 'INTERNAL' } };
}
