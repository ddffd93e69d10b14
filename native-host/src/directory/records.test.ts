import { describe, expect, it } from 'vitest';
import { loadSodium } from '../crypto/sodium.js';
import {
  keyRecordMessage,
  prekeyMessage,
  presenceMessage,
  signKeyRecord,
  signPrekey,
  signPresence,
  verifyKeyRecord,
  verifyPrekey,
  verifyPresence,
} from './records.js';

const sodium = await loadSodium();
const b64 = (bytes: Uint8Array) => sodium.to_base64(bytes, sodium.base64_variants.ORIGINAL);

function identity(username: string) {
  const sign = sodium.crypto_sign_keypair();
  const fields = { username, publicKey: b64(sodium.crypto_box_keypair().publicKey), signingKey: b64(sign.publicKey) };
  return { fields, privateKey: sign.privateKey, record: signKeyRecord(fields, sign.privateKey) };
}

describe('key records', () => {
  it('signs domain-separated bytes and verifies them', () => {
    const { fields, record } = identity('alice');
    expect(sodium.to_string(keyRecordMessage('alice', fields.publicKey, fields.signingKey))).toBe(
      `parley/1 key-record\nalice\n${fields.publicKey}\n${fields.signingKey}`,
    );
    expect(record).toMatchObject(fields);
    expect(sodium.from_base64(record.signature, sodium.base64_variants.ORIGINAL)).toHaveLength(64);
    expect(verifyKeyRecord(record)).toBe(true);
  });

  it('fails when any field is changed or the signer is another key', () => {
    const { record } = identity('alice');
    const other = identity('alice');
    expect(verifyKeyRecord({ ...record, username: 'alicf' })).toBe(false);
    expect(verifyKeyRecord({ ...record, publicKey: other.fields.publicKey })).toBe(false);
    expect(verifyKeyRecord({ ...record, signingKey: other.fields.signingKey })).toBe(false);
    expect(verifyKeyRecord({ ...record, signature: other.record.signature })).toBe(false);
  });

  it('returns false, never throws, on malformed directory data', () => {
    const { record } = identity('alice');
    const cases: unknown[] = [
      null,
      undefined,
      42,
      'record',
      [],
      {},
      { ...record, username: 'Alice' },
      { ...record, username: 7 },
      { ...record, publicKey: 'not base64 !!' },
      { ...record, publicKey: record.publicKey.slice(0, -4) },
      // Non-canonical: the unused low bits of the last character are set.
      { ...record, publicKey: record.publicKey.replace(/.=$/, 'B=') },
      { ...record, signingKey: sodium.to_base64(new Uint8Array(32), sodium.base64_variants.URLSAFE) + 'x' },
      { ...record, signature: record.signature.slice(4) },
      { ...record, signature: record.signature.replace(/==$/, '') },
      { ...record, signature: null },
    ];
    for (const input of cases) expect(verifyKeyRecord(input)).toBe(false);
  });
});

describe('prekeys', () => {
  it('binds the prekey to its owner and verifies under the signing key', () => {
    const alice = identity('alice');
    const fields = { id: 7, publicKey: b64(sodium.crypto_box_keypair().publicKey), createdAt: '2026-06-15T10:31:00.000Z' };
    expect(sodium.to_string(prekeyMessage('alice', fields))).toBe(
      `parley/1 prekey\nalice\n7\n${fields.publicKey}\n2026-06-15T10:31:00.000Z`,
    );
    const prekey = signPrekey('alice', fields, alice.privateKey);
    expect(verifyPrekey('alice', alice.fields.signingKey, prekey)).toBe(true);
    expect(verifyPrekey('bob', alice.fields.signingKey, prekey)).toBe(false);
    expect(verifyPrekey('alice', identity('alice').fields.signingKey, prekey)).toBe(false);
    expect(verifyPrekey('alice', alice.fields.signingKey, { ...prekey, id: 8 })).toBe(false);
    expect(verifyPrekey('alice', alice.fields.signingKey, { ...prekey, createdAt: '2026-06-15T10:31:01.000Z' })).toBe(false);
  });

  it('returns false, never throws, on malformed prekeys', () => {
    const alice = identity('alice');
    const prekey = signPrekey(
      'alice',
      { id: 1, publicKey: alice.fields.publicKey, createdAt: new Date().toISOString() },
      alice.privateKey,
    );
    const cases: unknown[] = [null, 'x', {}, { ...prekey, id: '1' }, { ...prekey, id: -1 }, { ...prekey, id: 1.5 },
      { ...prekey, createdAt: 'soon' }, { ...prekey, publicKey: 'AAAA' }, { ...prekey, signature: 42 }];
    for (const input of cases) expect(verifyPrekey('alice', alice.fields.signingKey, input)).toBe(false);
    expect(verifyPrekey('alice', 'garbage', prekey)).toBe(false);
  });
});

describe('presence records', () => {
  const dhtKey = b64(sodium.randombytes_buf(32));
  const fields = { addresses: ['198.18.1.2:9100', '[fe80::1]:9100'], dhtKey, issuedAt: '2026-12-01T10:00:00.000Z' };

  it('signs one unambiguous, domain-separated encoding', () => {
    expect(sodium.to_string(presenceMessage('alice', fields))).toBe(
      `parley/1 presence\nalice\n2026-12-01T10:00:00.000Z\n${dhtKey}\n2\n198.18.1.2:9100\n[fe80::1]:9100`,
    );
    expect(sodium.to_string(presenceMessage('alice', { addresses: [], dhtKey: null, issuedAt: fields.issuedAt }))).toBe(
      'parley/1 presence\nalice\n2026-12-01T10:00:00.000Z\n-\n0',
    );
  });

  it('verifies only under the signer key, for the signer name, with every field intact', () => {
    const { fields: id, privateKey } = identity('alice');
    const other = identity('alice');
    const record = signPresence('alice', fields, privateKey);
    expect(record).toMatchObject(fields);
    expect(verifyPresence('alice', id.signingKey, record)).toBe(true);
    expect(verifyPresence('alicf', id.signingKey, record)).toBe(false);
    expect(verifyPresence('alice', other.fields.signingKey, record)).toBe(false);
    expect(verifyPresence('alice', id.signingKey, { ...record, addresses: ['198.18.1.2:9100'] })).toBe(false);
    expect(verifyPresence('alice', id.signingKey, { ...record, dhtKey: null })).toBe(false);
    expect(verifyPresence('alice', id.signingKey, { ...record, dhtKey: other.fields.publicKey })).toBe(false);
    expect(verifyPresence('alice', id.signingKey, { ...record, issuedAt: '2026-12-01T10:00:00.001Z' })).toBe(false);
    expect(verifyPresence('alice', id.signingKey, { ...record, signature: signPresence('alice', fields, other.privateKey).signature })).toBe(false);
  });

  it('refuses malformed records without throwing', () => {
    const { fields: id, privateKey } = identity('alice');
    const record = signPresence('alice', fields, privateKey);
    for (const bad of [
      null,
      'x',
      { ...record, addresses: 'x' },
      { ...record, addresses: ['a\nb:1'] },
      { ...record, addresses: Array(9).fill('1.2.3.4:5') },
      { ...record, dhtKey: 'AAAA' },
      { ...record, dhtKey: undefined },
      { ...record, issuedAt: 'soon' },
      { ...record, signature: 42 },
    ]) {
      expect(verifyPresence('alice', id.signingKey, bad)).toBe(false);
    }
    expect(verifyPresence('alice', 'not a key', record)).toBe(false);
  });
});
