/**
 * Expected failures, each with a stable code. The API maps codes to HTTP
 * status in one place (api/error-mapping.ts); everything else only throws
 * these through the factories below.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_USERNAME'
  | 'NOT_SET_UP'
  | 'ALREADY_SET_UP'
  | 'USERNAME_TAKEN'
  | 'USER_NOT_FOUND'
  | 'NOT_A_FRIEND'
  | 'ALREADY_FRIENDS'
  | 'SAFETY_NUMBER_CHANGED'
  | 'SELF_FRIEND'
  | 'MESSAGE_NOT_FOUND'
  | 'NOT_YOUR_MESSAGE'
  | 'MESSAGE_DELETED'
  | 'EMOJI_INVALID'
  | 'TEXT_EMPTY'
  | 'TEXT_TOO_LONG'
  | 'QUERY_EMPTY'
  | 'QUERY_TOO_LONG'
  | 'ATTACHMENT_NOT_FOUND'
  | 'ATTACHMENT_NOT_READY'
  | 'ATTACHMENT_IN_USE'
  | 'ATTACHMENT_TOO_LARGE'
  | 'ATTACHMENT_QUOTA_EXCEEDED'
  | 'TOO_MANY_ATTACHMENTS'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'ROUTE_NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'DIRECTORY_UNREACHABLE'
  | 'DIRECTORY_REJECTED'
  | 'DIRECTORY_LIMIT'
  | 'RATE_LIMITED'
  | 'PROOF_REQUIRED'
  | 'CAPABILITY_REQUIRED'
  | 'QUOTA_EXCEEDED'
  | 'RECOVERY_REFUSED'
  | 'HANDSHAKE_FAILED'
  | 'DECRYPT_FAILED'
  | 'NONCE_EXHAUSTED'
  | 'FRAME_INVALID'
  | 'FRAME_TOO_LARGE'
  | 'ENVELOPE_INVALID'
  | 'DIAL_TIMEOUT'
  | 'DIAL_ABORTED'
  | 'DIAL_FAILED'
  | 'INTERNAL';

export class ParleyError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ParleyError';
    this.code = code;
  }
}

export function isParleyError(err: unknown, code?: ErrorCode): err is ParleyError {
  return err instanceof ParleyError && (code === undefined || err.code === code);
}

export const errors = {
  badRequest: (message: string) => new ParleyError('BAD_REQUEST', message),
  invalidUsername: (input: string) =>
    new ParleyError(
      'INVALID_USERNAME',
      `Invalid username '${input.slice(0, 64)}': use 3-32 characters a-z 0-9 _ . - starting with a letter or digit`,
    ),
  notSetUp: () => new ParleyError('NOT_SET_UP', 'This host has no username yet: POST /setup first'),
  alreadySetUp: (username: string) => new ParleyError('ALREADY_SET_UP', `This host is already set up as ${username}`),
  usernameTaken: (username: string) => new ParleyError('USERNAME_TAKEN', `Username '${username}' is taken`),
  userNotFound: (username: string) => new ParleyError('USER_NOT_FOUND', `User '${username}' not found`),
  notAFriend: (username: string) =>
    new ParleyError('NOT_A_FRIEND', `User '${username}' not found in friends list`),
  alreadyFriends: (username: string) => new ParleyError('ALREADY_FRIENDS', `Already friends with ${username}`),
  /** The keys behind a safety number changed after it was shown: the user compared another number. */
  safetyNumberChanged: (username: string) =>
    new ParleyError('SAFETY_NUMBER_CHANGED', `The safety number for ${username} changed since it was shown: compare the new one`),
  selfFriend: () => new ParleyError('SELF_FRIEND', 'You cannot add yourself as a friend'),
  messageNotFound: (msgId: string) => new ParleyError('MESSAGE_NOT_FOUND', `Message '${msgId.slice(0, 64)}' not found`),
  notYourMessage: (msgId: string) =>
    new ParleyError('NOT_YOUR_MESSAGE', `Message '${msgId.slice(0, 64)}' was written by your friend: only its author can change it`),
  messageDeleted: (msgId: string) => new ParleyError('MESSAGE_DELETED', `Message '${msgId.slice(0, 64)}' was deleted for everyone`),
  emojiInvalid: () => new ParleyError('EMOJI_INVALID', 'A reaction is one emoji'),
  textEmpty: () => new ParleyError('TEXT_EMPTY', 'Message text is empty'),
  textTooLong: (max: number) => new ParleyError('TEXT_TOO_LONG', `Message text is longer than ${max} characters`),
  queryEmpty: () => new ParleyError('QUERY_EMPTY', 'Nothing to search for: type a word, a number or an emoji'),
  queryTooLong: (why: string) => new ParleyError('QUERY_TOO_LONG', `Search query is ${why}`),
  attachmentNotFound: (id: string) => new ParleyError('ATTACHMENT_NOT_FOUND', `Attachment '${id.slice(0, 64)}' not found`),
  attachmentNotReady: (id: string) =>
    new ParleyError('ATTACHMENT_NOT_READY', `Attachment '${id.slice(0, 64)}' has not been received yet`),
  attachmentInUse: (id: string) =>
    new ParleyError('ATTACHMENT_IN_USE', `Attachment '${id.slice(0, 64)}' was already sent with another message: upload it again`),
  attachmentTooLarge: (max: number) => new ParleyError('ATTACHMENT_TOO_LARGE', `Attachment is larger than the limit of ${max} bytes`),
  attachmentQuotaExceeded: (quota: number) =>
    new ParleyError('ATTACHMENT_QUOTA_EXCEEDED', `Not enough room for attachments: they may use ${quota} bytes in all; delete some first`),
  tooManyAttachments: (max: number) => new ParleyError('TOO_MANY_ATTACHMENTS', `A message carries at most ${max} attachments`),
  payloadTooLarge: (max: number) => new ParleyError('PAYLOAD_TOO_LARGE', `Request body is larger than ${max} bytes`),
  unauthorized: () => new ParleyError('UNAUTHORIZED', 'Missing or wrong API token'),
  forbidden: (why: string) => new ParleyError('FORBIDDEN', why),
  routeNotFound: (path: string) => new ParleyError('ROUTE_NOT_FOUND', `No route ${path.slice(0, 100)}`),
  methodNotAllowed: (method: string, path: string) =>
    new ParleyError('METHOD_NOT_ALLOWED', `Method ${method} not allowed on ${path.slice(0, 100)}`),
  directoryUnreachable: (cause?: unknown) =>
    new ParleyError('DIRECTORY_UNREACHABLE', 'The directory is not reachable', { cause }),
  directoryRejected: (message: string) => new ParleyError('DIRECTORY_REJECTED', message),
  directoryLimit: (message: string) => new ParleyError('DIRECTORY_LIMIT', message),
  /** The directory refuses more of this from our address for now. */
  rateLimited: (detail: string) => new ParleyError('RATE_LIMITED', `The directory asks to slow down: ${detail}`),
  /** The directory wants a (new, or harder) proof of work. */
  proofRequired: (detail: string) => new ParleyError('PROOF_REQUIRED', `The directory wants a proof of work: ${detail}`),
  /** The recipient's mailbox takes mail only from holders of a capability they gave. */
  capabilityRequired: (detail: string) => new ParleyError('CAPABILITY_REQUIRED', detail),
  /** The directory holds as many names or bytes as it may. */
  quotaExceeded: (detail: string) => new ParleyError('QUOTA_EXCEEDED', `The directory is full: ${detail}`),
  recoveryRefused: () => new ParleyError('RECOVERY_REFUSED', 'That recovery code does not match this username'),
  handshakeFailed: (why: string) => new ParleyError('HANDSHAKE_FAILED', `Handshake failed: ${why}`),
  decryptFailed: () => new ParleyError('DECRYPT_FAILED', 'Decryption failed: message forged or corrupted'),
  nonceExhausted: () => new ParleyError('NONCE_EXHAUSTED', 'Cipher nonce space exhausted: start a new session'),
  frameInvalid: (why: string) => new ParleyError('FRAME_INVALID', `Invalid frame: ${why}`),
  frameTooLarge: (length: number, max: number) =>
    new ParleyError('FRAME_TOO_LARGE', `Frame of ${length} bytes exceeds the limit of ${max}`),
  envelopeInvalid: (why: string) => new ParleyError('ENVELOPE_INVALID', `Envelope rejected: ${why}`),
  /** A dial to a friend's host gave up after its time limit. */
  dialTimedOut: (ms: number) => new ParleyError('DIAL_TIMEOUT', `No connection within ${ms} ms`),
  /** A dial was stopped: another path won, or the host is closing. */
  dialAborted: () => new ParleyError('DIAL_ABORTED', 'Dial stopped'),
  dialFailed: (why: string) => new ParleyError('DIAL_FAILED', `Dial failed: ${why}`),
};
