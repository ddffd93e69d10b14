import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CipherState } from '../../src/crypto/noise-cipher-state.js';
import { encodeNativeMessage, NativeMessageDecoder } from '../../src/native/native-framing.js';
import { encodeFrame, FrameDecoder } from '../../src/peer/framing.js';
import { TransportCipher } from '../../src/peer/transport-cipher.js';
import { fuzz, fuzzTotal, splitAt, type FuzzStats } from './support/fuzz.js';
import { defined } from '../../../shared/defined.js';

/**
 * Property-based fuzzing of the byte-level decoders a peer or the browser
 * feeds: peer framing, the Noise transport cipher, native-messaging framing.
 * Bad bytes may only ever be refused with a ParleyError; good bytes round-trip.
 */
const stats: FuzzStats[] = [];
afterAll(() => fuzzTotal('wire', stats));

/** A length prefix (either byte order, sometimes off by a little) and random bytes: gets past the header checks. */
const nearlyFramed = fc
  .record({ body: fc.uint8Array({ maxLength: 48 }), delta: fc.integer({ min: -2, max: 2 }), le: fc.boolean() })
  .map(({ body, delta, le }) => {
    const header = Buffer.alloc(4);
    const length = Math.max(0, body.length + delta);
    if (le) header.writeUInt32LE(length);
    else header.writeUInt32BE(length);
    return new Uint8Array(Buffer.concat([header, body]));
  });
const chunks = fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), nearlyFramed), { maxLength: 12 });
const cuts = fc.array(fc.nat(), { maxLength: 8 });
/** What JSON.parse(JSON.stringify(v)) gives: the only round trip JSON promises. */
const jsonNormal = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

function cipherPair() {
  const k1 = crypto.getRandomValues(new Uint8Array(32));
  const k2 = crypto.getRandomValues(new Uint8Array(32));
  return {
    a: new TransportCipher(new CipherState(k1), new CipherState(k2), { maxSealedBytes: 4096 }),
    b: new TransportCipher(new CipherState(k2), new CipherState(k1), { maxSealedBytes: 4096 }),
  };
}

describe('peer framing', () => {
  it('refuses garbage only with ParleyError, and stays failed', () => {
    stats.push(
      fuzz('framing/garbage', [chunks, fc.integer({ min: 0, max: 300 })], (r, parts, max) => {
        const decoder = new FrameDecoder({ maxFrameBytes: max });
        for (const part of parts) {
          const frames = r.run(() => decoder.push(part));
          if (frames === undefined) {
            // Once failed, every later push is refused the same way.
            r.mustReject(() => decoder.push(Uint8Array.of(0)), 'push after failure');
            return;
          }
          for (const f of frames) expect(f.length).toBeLessThanOrEqual(max);
        }
      }),
    );
  });

  it('round-trips any frames cut anywhere', () => {
    stats.push(
      fuzz('framing/roundtrip', [fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 8 }), cuts], (_r, bodies, points) => {
        const stream = Buffer.concat(bodies.map(encodeFrame));
        const decoder = new FrameDecoder({ maxFrameBytes: 200 });
        const out = splitAt(stream, points).flatMap((part) => decoder.push(part));
        expect(out.map((b) => Buffer.from(b).toString('hex'))).toEqual(bodies.map((b) => Buffer.from(b).toString('hex')));
        expect(decoder.pending()).toBe(false);
      }),
    );
  });
});

describe('Noise transport cipher', () => {
  it('refuses arbitrary bodies and still opens the next genuine frame', () => {
    stats.push(
      fuzz('transport/garbage', [fc.uint8Array({ maxLength: 5000 })], (r, body) => {
        const { a, b } = cipherPair();
        r.mustReject(() => b.open(body), 'an arbitrary body');
        expect(b.open(a.seal({ type: 'ping' }))).toEqual({ type: 'ping' });
      }),
    );
  });

  it('refuses any bit flip, truncation or extension of a genuine frame', () => {
    const edit = fc.record({ at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }), kind: fc.constantFrom('flip', 'cut', 'grow') });
    stats.push(
      fuzz('transport/tamper', [fc.jsonValue({ maxDepth: 3 }), edit], (r, value, e) => {
        const { a, b } = cipherPair();
        const sealed = r.run(() => a.seal(value));
        if (!sealed) return;
        const at = e.at % sealed.length;
        let bad: Uint8Array;
        if (e.kind === 'flip') {
          bad = sealed.slice();
          bad[at] = defined(bad[at]) ^ (1 << e.bit);
        } else if (e.kind === 'cut') bad = sealed.subarray(0, at);
        else bad = Buffer.concat([sealed, Uint8Array.of(e.bit)]);
        r.mustReject(() => b.open(bad), `a ${e.kind}`);
        expect(b.open(sealed)).toEqual(jsonNormal(value));
      }),
    );
  });

  it('round-trips any JSON value, in order', () => {
    stats.push(
      fuzz('transport/roundtrip', [fc.array(fc.jsonValue({ maxDepth: 4 }), { minLength: 1, maxLength: 5 })], (r, values) => {
        const { a, b } = cipherPair();
        for (const value of values) {
          const sealed = r.run(() => a.seal(value));
          if (sealed) expect(b.open(sealed)).toEqual(jsonNormal(value));
        }
      }),
    );
  });
});

describe('native-messaging framing', () => {
  const endian = fc.constantFrom('LE' as const, 'BE' as const);

  it('refuses garbage only with ParleyError, and stays failed', () => {
    stats.push(
      fuzz('native/garbage', [chunks, endian, fc.integer({ min: 0, max: 300 })], (r, parts, endianness, maxBytes) => {
        const decoder = new NativeMessageDecoder({ endianness, maxBytes });
        for (const part of parts) {
          if (r.run(() => decoder.push(part)) === undefined) {
            r.mustReject(() => decoder.push(Uint8Array.of(0)), 'push after failure');
            return;
          }
        }
      }),
    );
  });

  it('round-trips any JSON messages cut anywhere', () => {
    stats.push(
      fuzz('native/roundtrip', [fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 6 }), endian, cuts], (_r, values, endianness, points) => {
        const stream = Buffer.concat(values.map((v) => encodeNativeMessage(v, { endianness, maxBytes: 1 << 20 })));
        const decoder = new NativeMessageDecoder({ endianness, maxBytes: 1 << 20 });
        const out = splitAt(stream, points).flatMap((part) => decoder.push(part));
        expect(out).toEqual(values.map(jsonNormal));
        expect(decoder.bufferedBytes).toBe(0);
      }),
    );
  });
});
