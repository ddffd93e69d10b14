import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { USERNAME_PATTERN } from '../../../shared/contract.js';
import { isSingleEmoji } from '../../../shared/emoji.js';
import { buildSchemas, parse } from '../../src/api/schemas.js';
import { DEFAULT_LIMITS } from '../../src/config/limits.js';
import { EventBus } from '../../src/chat/event-bus.js';
import { changeItems } from '../../src/chat/change-items.js';
import { grantItem } from '../../src/chat/grant-item.js';
import { messageItem } from '../../src/chat/message-item.js';
import { memoryLogger } from '../../src/logger.js';
import { peerMessageSchema } from '../../src/peer/peer-protocol.js';
import { fuzz, fuzzTotal, type FuzzStats } from './support/fuzz.js';
import { defined } from '../../../shared/defined.js';

/**
 * Property-based fuzzing of every REST (and peer message) validator: any
 * JSON a client can send is either accepted as a value the messenger may
 * trust, or refused with a ParleyError (a 4xx), never anything else.
 */
const stats: FuzzStats[] = [];
afterAll(() => fuzzTotal('rest', stats));

const schemas = buildSchemas(DEFAULT_LIMITS);
const peerSchema = peerMessageSchema();
// Only their body validators are exercised: committing is never reached.
const never = () => expect.unreachable('commit during a parse fuzz');
const messageKind = messageItem({
  messages: { insertReceived: never },
  bus: new EventBus(),
  self: () => 'bob',
  maxTextLength: DEFAULT_LIMITS.maxTextLength,
  maxAttachments: DEFAULT_LIMITS.maxAttachmentsPerMessage,
  offers: { accept: never },
  arrived: never,
  view: never,
  maxClockSkewMs: DEFAULT_LIMITS.maxClockSkewMs,
  log: memoryLogger(),
});
const changeKinds = changeItems({
  messages: { get: never },
  changes: { applyEdit: never, tombstone: never, setReaction: never },
  early: new Proxy({} as never, { get: never }),
  updated: never,
  withdrawAttachments: never,
  limits: DEFAULT_LIMITS,
  log: memoryLogger(),
}).handlers;

const grantKind = grantItem({
  capabilities: { received: () => expect.unreachable('commit during a parse fuzz') },
  onGranted: () => undefined,
});

// Values shaped like real inputs (right keys, near-miss values), mixed with anything at all.
const nearString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.stringMatching(/^[A-Za-z0-9_.-]{1,40}$/),
  fc.constantFrom('', ' ', 'bob', 'BOB', '  bob  ', '0', '-1', '1e3', '500', '501', '9'.repeat(20), '\u0000', 'a'.repeat(70)),
  fc.integer({ min: 0, max: 16_010 }).map((n) => 'x'.repeat(n)),
);
const username = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{2,31}$/),
  fc.stringMatching(/^ ?[A-Za-z0-9][A-Za-z0-9_.-]{1,33} ?$/),
);
const count = fc.oneof(fc.nat().map(String), fc.integer({ min: -5, max: 600 }).map(String), fc.integer());
const nearValue = fc.oneof(nearString, username, count, fc.anything({ maxDepth: 2 }), fc.double(), fc.constant(null));
const keys = [
  'username', 'recovery_code', 'to', 'text', 'peer', 'limit', 'offset', 'before', 'after', 'around', 'q', 'msg_id', 'safety_number', 'type', 'typing', 'ids',
  'timestamp', 'id', 'kind', 'body', 'reply_to', 'for', 'emoji', 'version', 'edited_at',
];
const emojiLike = fc.oneof(
  fc.constantFrom('👍', '❤️', '👩‍👩‍👧‍👦', '🇫🇷', '1️⃣', '👍🏽', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', 'a', '1', '#', '🇫', '👍👍', '👍 ', '\u200d', ':)', ''),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
  nearString,
);
const shaped = fc.dictionary(fc.constantFrom(...keys), nearValue, { maxKeys: 5 });
const input = fc.oneof(shaped, fc.anything({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }));

/** Mostly the right keys with plausible values, so acceptance is exercised as much as refusal. */
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  usernameBody: fc.record({ username: fc.oneof(username, nearValue) }, { requiredKeys: [] }),
  recoverBody: fc.record(
    { username: fc.oneof(username, nearValue), recovery_code: fc.oneof(fc.stringMatching(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/), nearString, nearValue) },
    { requiredKeys: [] },
  ),
  usernameParam: fc.record({ username: fc.oneof(username, nearValue) }, { requiredKeys: [] }),
  msgIdParam: fc.record({ msg_id: fc.oneof(fc.uuid(), nearString, nearValue) }, { requiredKeys: [] }),
  sendBody: fc.record(
    {
      to: fc.oneof(username, nearValue),
      text: fc.oneof(nearString, nearValue),
      reply_to: fc.oneof(fc.uuid(), nearString, nearValue),
      attachments: fc.oneof(fc.array(fc.oneof(fc.uuid(), nearString), { maxLength: 3 }), nearValue),
    },
    { requiredKeys: [] },
  ),
  uploadQuery: fc.record({ name: fc.oneof(nearString, nearValue) }, { requiredKeys: [] }),
  attachmentIdParam: fc.record({ attachment_id: fc.oneof(fc.uuid(), nearString, nearValue) }, { requiredKeys: [] }),
  editBody: fc.record({ text: fc.oneof(nearString, nearValue) }, { requiredKeys: [] }),
  deleteQuery: fc.record({ for: fc.oneof(fc.constantFrom('everyone', 'me', 'EVERYONE', ''), nearValue) }, { requiredKeys: [] }),
  reactionBody: fc.record({ emoji: fc.oneof(emojiLike, nearValue) }, { requiredKeys: [] }),
  reactionParams: fc.record({ msg_id: fc.oneof(fc.uuid(), nearString), emoji: fc.oneof(emojiLike, nearValue) }, { requiredKeys: [] }),
  historyQuery: fc.record(
    {
      peer: fc.oneof(username, nearValue),
      limit: fc.oneof(count, nearValue),
      offset: count,
      before: fc.oneof(fc.uuid(), nearString),
      after: fc.oneof(fc.uuid(), nearString),
      around: fc.oneof(fc.uuid(), nearString),
    },
    { requiredKeys: [] },
  ),
  searchQuery: fc.record(
    { q: fc.oneof(nearString, nearValue), peer: fc.oneof(username, nearValue), limit: fc.oneof(count, nearValue), before: fc.oneof(fc.uuid(), nearString) },
    { requiredKeys: [] },
  ),
  verifyBody: fc.oneof(fc.constant(undefined), fc.record({ safety_number: fc.oneof(nearString, nearValue) }, { requiredKeys: [] })),
  proofQuery: fc.record({ nonce: fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[0-9a-fA-F]{60,70}$/), nearString, nearValue) }, { requiredKeys: [] }),
};

describe('REST validators', () => {
  it('has plausible inputs for every schema', () => {
    expect(Object.keys(schemas).filter((name) => !(name in plausible))).toEqual([]);
  });

  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name} accepts trustworthy values or refuses with ParleyError`, () => {
      stats.push(
        fuzz(`rest/${name}`, [fc.oneof({ arbitrary: defined(plausible[name]), weight: 3 }, { arbitrary: input, weight: 1 })], (r, value) => {
          const out = r.run(() => parse(schema, value, name)) as Record<string, unknown> | undefined;
          if (out === undefined) return;
          for (const key of ['username', 'to', 'peer'] as const) {
            if (typeof out[key] === 'string') expect(out[key]).toMatch(USERNAME_PATTERN);
          }
          if (name === 'reactionBody' || name === 'reactionParams') expect(isSingleEmoji(out.emoji)).toBe(true);
          if (name === 'deleteQuery') expect([undefined, 'everyone']).toContain(out.for);
          if (name === 'sendBody' || name === 'editBody') {
            const text = out.text as string;
            // Only a message that carries attachments may have no text.
            if (!Array.isArray(out.attachments) || out.attachments.length === 0) expect(text.trim().length).toBeGreaterThan(0);
            expect(text.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxTextLength);
          }
          if (name === 'historyQuery' || name === 'searchQuery') {
            expect(out.limit).toBeGreaterThanOrEqual(1);
            expect(out.limit).toBeLessThanOrEqual(DEFAULT_LIMITS.maxPageSize);
          }
          if (name === 'historyQuery') {
            // An offset page, or one keyset anchor with its side: never both, never two anchors.
            expect('offset' in out !== 'anchor' in out).toBe(true);
            if ('anchor' in out) expect(['before', 'after', 'around']).toContain(out.side);
          }
          if (name === 'searchQuery') expect((out.q as string).trim().length).toBeGreaterThan(0);
          if (name === 'proofQuery') expect(out.nonce).toMatch(/^[0-9a-f]{64}$/);
          if (name === 'verifyBody') expect(typeof out.safety_number).toBe('string');
          if (name === 'recoverBody') expect((out.recovery_code as string).length).toBeLessThanOrEqual(100);
        }),
      );
    });
  }
});

describe('peer message validator', () => {
  it('accepts only the protocol shapes, refuses the rest with ParleyError', () => {
    const types = fc.constantFrom('item', 'ack', 'receipt', 'typing', 'read', 'ping', 'pong', 'message', 'nope');
    const peerLike = fc.tuple(types, shaped).map(([type, rest]) => ({ ...rest, type }));
    const itemLike = fc.record({
      type: fc.constant('item'),
      id: fc.oneof(fc.uuid(), nearString),
      kind: fc.oneof(fc.constantFrom('message', 'edit', 'Message', '', '-x', 'a'.repeat(33)), nearString),
      body: fc.oneof(shaped, nearValue),
    });
    stats.push(
      fuzz('peer/message', [fc.oneof(peerLike, itemLike, input)], (r, value) => {
        const out = r.run(() => parse(peerSchema, value, 'peer message'));
        if (out && out.type === 'item') {
          expect(out.id).toMatch(/^[A-Za-z0-9-]{1,64}$/);
          expect(out.kind).toMatch(/^[a-z][a-z0-9-]{0,31}$/);
          expect(typeof out.body === 'object' && out.body !== null && !Array.isArray(out.body)).toBe(true);
        }
        if (out && (out.type === 'ack' || out.type === 'receipt')) {
          expect(out.ids.length).toBeGreaterThan(0);
          for (const id of out.ids) expect(id).toMatch(/^[A-Za-z0-9-]{1,64}$/);
        }
      }),
    );
  });

  it('the chat message body accepts a timestamp and a text within the limit, and nothing else', () => {
    const bodyLike = fc.record(
      { timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), nearString), text: nearString },
      { requiredKeys: [] },
    );
    stats.push(
      fuzz('peer/message-body', [fc.oneof({ arbitrary: bodyLike, weight: 3 }, { arbitrary: input, weight: 1 })], (_r, value) => {
        const body = messageKind.parse(value);
        if (body === null) return;
        expect(Object.keys(body).filter((k) => k !== 'reply_to').sort()).toEqual(['text', 'timestamp']);
        if (body.reply_to !== undefined) expect(body.reply_to).toMatch(/^[A-Za-z0-9-]{1,64}$/);
        expect(body.text.trim().length).toBeGreaterThan(0);
        expect(body.text.length).toBeLessThanOrEqual(DEFAULT_LIMITS.maxTextLength);
        expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
      }),
    );
  });

  it('the change bodies (edit, delete, reaction) accept only a message id with a well-formed change', () => {
    const changeLike = fc.record(
      {
        msg_id: fc.oneof(fc.uuid(), nearString),
        text: nearString,
        version: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), nearValue),
        edited_at: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), nearString),
        emoji: fc.oneof(emojiLike, fc.constant(null), nearValue),
      },
      { requiredKeys: [] },
    );
    for (const handler of changeKinds) {
      stats.push(
        fuzz(`peer/${handler.kind}-body`, [fc.oneof({ arbitrary: changeLike, weight: 3 }, { arbitrary: input, weight: 1 })], (_r, value) => {
          const body = handler.parse(value) as Record<string, unknown> | null;
          if (body === null) return;
          expect(body.msg_id).toMatch(/^[A-Za-z0-9-]{1,64}$/);
          if ('version' in body) expect(Number.isSafeInteger(body.version) && (body.version as number) >= 1).toBe(true);
          if ('text' in body) expect((body.text as string).length).toBeGreaterThan(0);
          if ('emoji' in body && body.emoji !== null) expect(isSingleEmoji(body.emoji)).toBe(true);
        }),
      );
    }
  });

  it('the grant body accepts two well-formed capabilities and a positive serial, and nothing else', () => {
    const capabilityLike = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), nearString, nearValue);
    const bodyLike = fc.record({ drop: capabilityLike, presence: capabilityLike, serial: fc.oneof(fc.integer(), fc.double(), nearValue) }, { requiredKeys: [] });
    stats.push(
      fuzz('peer/grant-body', [fc.oneof({ arbitrary: bodyLike, weight: 3 }, { arbitrary: input, weight: 1 })], (_r, value) => {
        const body = grantKind.parse(value);
        if (body === null) return;
        expect(Object.keys(body).sort()).toEqual(['drop', 'presence', 'serial']);
        for (const capability of [body.drop, body.presence]) expect(capability).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(Number.isSafeInteger(body.serial) && body.serial > 0).toBe(true);
      }),
    );
  });
});
