import { USERNAME_PATTERN } from '../../../shared/contract.js';
import { errors, isParleyError } from '../errors.js';
import { concatBytes, type KeyPair } from './bytes.js';
import {
  decodeHeader,
  decodeLegacyInner,
  decodeOuter,
  encodeHeader,
  encodeOuter,
  ENVELOPE_VERSION,
  isValidId,
  MAX_ENVELOPE_BYTES,
  NONCE_BYTES,
} from './envelope-format.js';
import { innerAd, innerKey, outerAd, outerKey, type EnvelopeParties } from './envelope-keys.js';
import { loadSodium } from './sodium.js';

/**
 * Sealed-sender offline envelopes for the directory's mailbox, X3DH-style.
 *
 * Outer layer, keyed by DH(ephemeral, recipient prekey): hides who sent it.
 * The mailbox sees only the recipient, the prekey id, a fresh ephemeral key
 * and the size. Anyone can build an outer layer, so it proves nothing about
 * the sender.
 *
 * Inner layer, keyed by DH(sender identity, prekey) ‖ DH(ephemeral, recipient
 * identity) ‖ DH(ephemeral, prekey): only the holder of the sender's identity
 * private key (or the recipient) can make it, so it authenticates the sender
 * identity key named in the outer layer. The caller still checks that key
 * against the one pinned for the claimed sender username.
 *
 * The sealed payload is opaque bytes here; the host puts a whole peer frame
 * in it. Version 1 envelopes, which held a timestamp and a text, still open.
 */

export {
  ENVELOPE_FIXED_OVERHEAD_BYTES,
  ENVELOPE_HEADER_BYTES,
  ENVELOPE_VERSION,
  MAX_ENVELOPE_BYTES,
  MAX_ENVELOPE_ID_BYTES,
} from './envelope-format.js';

const sodium = await loadSodium();

/** A prekey older than this (rotation 7 days + grace 30 days) no longer opens mail. */
export const DEFAULT_MAX_PREKEY_AGE_MS = 37 * 24 * 3600 * 1000;

export interface SealEnvelopeInput {
  sender: { username: string; identity: KeyPair };
  recipient: { username: string; identityKey: Uint8Array; prekey: { id: number; publicKey: Uint8Array } };
  /** The sealed item's id: bound to the payload, and what the recipient confirms. */
  id: string;
  payload: Uint8Array;
}

export interface EnvelopeRecipient {
  username: string;
  identity: KeyPair;
  /** Our prekeys still within their lifetime, any order. */
  prekeys: Array<{ id: number; keyPair: KeyPair; createdAt: string | number | Date }>;
  /** Default Date.now(). */
  now?: number;
  /** Default DEFAULT_MAX_PREKEY_AGE_MS. */
  maxPrekeyAgeMs?: number;
  /** Default MAX_ENVELOPE_BYTES. */
  maxEnvelopeBytes?: number;
}

export interface OpenedEnvelope {
  senderUsername: string;
  /** The sender's X25519 identity key, proven by the inner layer: compare with the pinned key. */
  senderIdentityKey: Uint8Array;
  id: string;
  content: EnvelopeContent;
}

/** What was sealed: a payload (version 2), or a chat message's timestamp and text (version 1). */
export type EnvelopeContent = { version: 2; payload: Uint8Array } | { version: 1; timestamp: string; text: string };

/**
 * Seals a payload for the recipient's mailbox (current version). Invalid
 * arguments are a programming error and throw at once, as does a payload
 * too large for an envelope (RangeError); a recipient key libsodium refuses
 * (low order) throws ENVELOPE_INVALID.
 */
export function sealEnvelope(input: SealEnvelopeInput): Uint8Array {
  const { sender, recipient, id, payload } = input;
  if (!USERNAME_PATTERN.test(sender.username) || !USERNAME_PATTERN.test(recipient.username)) {
    throw new TypeError('invalid username');
  }
  if (!isValidId(id)) throw new TypeError('invalid item id');
  const prekey = recipient.prekey;
  const ephemeral = sodium.crypto_box_keypair();
  const parties: EnvelopeParties = {
    senderIdentityKey: sender.identity.publicKey,
    recipientIdentityKey: recipient.identityKey,
    ephemeralKey: ephemeral.publicKey,
    prekey: prekey.publicKey,
  };
  const dh = (privateKey: Uint8Array, publicKey: Uint8Array) =>
    orInvalid('recipient key is not a valid X25519 key', () => sodium.crypto_scalarmult(privateKey, publicKey));

  const innerNonce = sodium.randombytes_buf(NONCE_BYTES);
  const innerCiphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    payload,
    innerAd(parties, id, sender.username, recipient.username),
    null,
    innerNonce,
    innerKey(
      [
        dh(sender.identity.privateKey, prekey.publicKey),
        dh(ephemeral.privateKey, recipient.identityKey),
        dh(ephemeral.privateKey, prekey.publicKey),
      ],
      parties,
    ),
  );

  const nonce = sodium.randombytes_buf(NONCE_BYTES);
  const outerCiphertext = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    encodeOuter({ senderUsername: sender.username, senderIdentityKey: sender.identity.publicKey, id, innerNonce, innerCiphertext }),
    outerAd(ENVELOPE_VERSION, recipient.identityKey, prekey.id, ephemeral.publicKey),
    null,
    nonce,
    outerKey(dh(ephemeral.privateKey, prekey.publicKey), parties),
  );
  const envelope = concatBytes(encodeHeader(prekey.id, ephemeral.publicKey, nonce), outerCiphertext);
  if (envelope.length > MAX_ENVELOPE_BYTES) throw new RangeError(`envelope of ${envelope.length} bytes over ${MAX_ENVELOPE_BYTES}`);
  return envelope;
}

/**
 * Opens an envelope addressed to us. Anything wrong (malformed, tampered,
 * for someone else, unknown or expired prekey, forged sender) throws
 * ENVELOPE_INVALID, and nothing else.
 */
export function openEnvelope(bytes: Uint8Array, recipient: EnvelopeRecipient): OpenedEnvelope {
  try {
    return open(bytes, recipient);
  } catch (err) {
    if (isParleyError(err, 'ENVELOPE_INVALID')) throw err;
    throw errors.envelopeInvalid('malformed');
  }
}

function open(bytes: Uint8Array, recipient: EnvelopeRecipient): OpenedEnvelope {
  const max = recipient.maxEnvelopeBytes ?? MAX_ENVELOPE_BYTES;
  if (bytes.length > max) throw errors.envelopeInvalid(`larger than ${max} bytes`);
  const header = decodeHeader(bytes);
  const prekey = recipient.prekeys.find((candidate) => candidate.id === header.prekeyId);
  if (!prekey) throw errors.envelopeInvalid(`unknown prekey ${header.prekeyId}`);
  const age = (recipient.now ?? Date.now()) - new Date(prekey.createdAt).getTime();
  if (!(age <= (recipient.maxPrekeyAgeMs ?? DEFAULT_MAX_PREKEY_AGE_MS))) {
    throw errors.envelopeInvalid(`prekey ${header.prekeyId} expired`);
  }

  const { identity } = recipient;
  const prekeyPrivate = prekey.keyPair.privateKey;
  const dh = (publicKey: Uint8Array) => sodium.crypto_scalarmult(prekeyPrivate, publicKey);
  const outerPlaintext = orInvalid('outer layer does not open', () =>
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      header.ciphertext,
      outerAd(header.version, identity.publicKey, header.prekeyId, header.ephemeralKey),
      header.nonce,
      outerKey(dh(header.ephemeralKey), {
        recipientIdentityKey: identity.publicKey,
        ephemeralKey: header.ephemeralKey,
        prekey: prekey.keyPair.publicKey,
      }),
    ),
  );
  const outer = decodeOuter(outerPlaintext);

  const parties: EnvelopeParties = {
    senderIdentityKey: outer.senderIdentityKey,
    recipientIdentityKey: identity.publicKey,
    ephemeralKey: header.ephemeralKey,
    prekey: prekey.keyPair.publicKey,
  };
  const innerPlaintext = orInvalid('sender not authentic', () =>
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      outer.innerCiphertext,
      innerAd(parties, outer.id, outer.senderUsername, recipient.username),
      outer.innerNonce,
      innerKey(
        [
          dh(outer.senderIdentityKey),
          sodium.crypto_scalarmult(identity.privateKey, header.ephemeralKey),
          dh(header.ephemeralKey),
        ],
        parties,
      ),
    ),
  );
  const content: EnvelopeContent =
    header.version === 1 ? { version: 1, ...decodeLegacyInner(innerPlaintext) } : { version: 2, payload: innerPlaintext };
  return { senderUsername: outer.senderUsername, senderIdentityKey: outer.senderIdentityKey, id: outer.id, content };
}

// libsodium throws plain errors for bad tags and weak (low-order) public keys alike.
function orInvalid(why: string, operation: () => Uint8Array): Uint8Array {
  try {
    return operation();
  } catch {
    throw errors.envelopeInvalid(why);
  }
}
