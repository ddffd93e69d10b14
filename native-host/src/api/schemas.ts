import * as z from 'zod';
import { DEFAULT_PAGE_SIZE, normalizeUsername, USERNAME_PATTERN } from '../../../shared/contract.js';
import { isSingleEmoji } from '../../../shared/emoji.js';
import { textProblem } from '../chat/message-text.js';
import type { Limits } from '../config/limits.js';
import { NONCE_PATTERN } from '../host-proof.js';
import { MAX_MSG_ID_LENGTH } from '../peer/peer-protocol.js';
import { ParleyError, type ErrorCode } from '../errors.js';
import { defined } from '../../../shared/defined.js';

/**
 * One schema per route input. Validation happens here, where requests enter;
 * the messenger trusts what it receives.
 */
const username = z
  .string()
  .max(64, 'username is too long')
  .transform(normalizeUsername)
  .refine((name) => USERNAME_PATTERN.test(name), {
    message: 'use 3-32 characters a-z 0-9 _ . - starting with a letter or digit',
    params: { code: 'INVALID_USERNAME' },
  });

const msgId = z.string().min(1).max(MAX_MSG_ID_LENGTH);
const attachmentId = z.string().min(1).max(MAX_MSG_ID_LENGTH);

const count = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,10}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const emoji = z.string().refine(isSingleEmoji, { message: 'a reaction is one emoji', params: { code: 'EMOJI_INVALID' } });

export function buildSchemas(limits: Limits) {
  const textIssue = (value: string, ctx: z.RefinementCtx, mayBeEmpty = false) => {
    const problem = textProblem(value, limits.maxTextLength, mayBeEmpty);
    if (problem) ctx.addIssue({ code: 'custom', path: ['text'], message: problem.message, params: { code: problem.code } });
  };
  const text = z.string().superRefine((value, ctx) => textIssue(value, ctx));
  return {
    usernameBody: z.object({ username }),
    recoverBody: z.object({ username, recovery_code: z.string().min(1).max(100) }),
    usernameParam: z.object({ username }),
    msgIdParam: z.object({ msg_id: msgId }),
    sendBody: z
      .object({
        to: username,
        text: z.string(),
        reply_to: msgId.optional(),
        // ext: ids from POST /attachments; the count is checked with the uploads (TOO_MANY_ATTACHMENTS).
        attachments: z.array(attachmentId).max(100).optional(),
      })
      // The same rule as for friends' messages (chat/message-text.ts): the text may be empty only when the message carries attachments.
      .superRefine((body, ctx) => textIssue(body.text, ctx, (body.attachments?.length ?? 0) > 0)),
    uploadQuery: z.object({ name: z.string().max(1024).optional() }),
    attachmentIdParam: z.object({ attachment_id: attachmentId }),
    editBody: z.object({ text }),
    /** DELETE /messages/:msg_id: for=everyone deletes the friend's copy too; without it, only ours. */
    deleteQuery: z.object({ for: z.literal('everyone').optional() }),
    reactionBody: z.object({ emoji }),
    reactionParams: z.object({ msg_id: msgId, emoji }),
    historyQuery: z
      .object({
        peer: username,
        limit: count(1, limits.maxPageSize).default(DEFAULT_PAGE_SIZE),
        offset: count(0, Number.MAX_SAFE_INTEGER).optional(),
        before: msgId.optional(),
        after: msgId.optional(),
        around: msgId.optional(),
      })
      .refine((q) => [q.offset, q.before, q.after, q.around].filter((v) => v !== undefined).length <= 1, {
        message: 'give at most one of offset, before, after, around',
      })
      .transform(({ peer, limit, offset, ...keyset }) => {
        const side = (['before', 'after', 'around'] as const).find((s) => keyset[s] !== undefined);
        return side ? { peer, limit, anchor: defined(keyset[side]), side } : { peer, limit, offset: offset ?? 0 };
      }),
    searchQuery: z.object({
      q: z
        .string()
        .optional()
        .refine((q) => q !== undefined && q.trim().length > 0, { message: 'Search query is empty', params: { code: 'QUERY_EMPTY' } })
        .transform((q) => defined(q)),
      peer: username.optional(),
      limit: count(1, limits.maxPageSize).default(DEFAULT_PAGE_SIZE),
      before: msgId.optional(),
    }),
    // The number the user compared: verifying pins the keys behind it, or nothing.
    proofQuery: z.object({ nonce: z.string().regex(NONCE_PATTERN, 'must be 64 hex digits') }),
    verifyBody: z.object({ safety_number: z.string().max(200) }, { error: 'send the safety number the user compared' }),
  };
}

export type Schemas = ReturnType<typeof buildSchemas>;

/** Parses `input` or throws a 400-class ParleyError naming the first problem. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = defined(result.error.issues[0]);
  const code = ((issue as { params?: { code?: ErrorCode } }).params?.code ?? 'BAD_REQUEST') as ErrorCode;
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ParleyError(code, `Invalid ${what}: ${where}${issue.message}`);
}
