import { concatBytes, uint32be } from './bytes.js';
import { field, KEY_BYTES } from './envelope-format.js';
import { loadSodium } from './sodium.js';

/**
 * Keys and associated data of the two envelope layers (envelope.ts). Each
 * key is BLAKE2b-256 over a context string, the DH outputs and the public
 * keys involved, so a key is bound to exactly one set of parties.
 */

const sodium = await loadSodium();

const OUTER_KEY_CONTEXT = new TextEncoder().encode('parley/1 envelope outer key\0');
const INNER_KEY_CONTEXT = new TextEncoder().encode('parley/1 envelope inner key\0');

export interface EnvelopeParties {
  senderIdentityKey: Uint8Array;
  recipientIdentityKey: Uint8Array;
  ephemeralKey: Uint8Array;
  prekey: Uint8Array;
}

function deriveKey(context: Uint8Array, parts: Uint8Array[]): Uint8Array {
  return sodium.crypto_generichash(KEY_BYTES, concatBytes(context, ...parts), null);
}

/** From DH(ephemeral, prekey): anyone can make it, so it hides but does not authenticate. */
export function outerKey(dhEphemeralPrekey: Uint8Array, parties: Omit<EnvelopeParties, 'senderIdentityKey'>): Uint8Array {
  return deriveKey(OUTER_KEY_CONTEXT, [dhEphemeralPrekey, parties.ephemeralKey, parties.prekey, parties.recipientIdentityKey]);
}

/**
 * From DH(sender identity, prekey) ‖ DH(ephemeral, recipient identity) ‖
 * DH(ephemeral, prekey), as in X3DH: the first needs the sender's identity
 * private key (or the recipient's prekey), which authenticates the sender.
 */
export function innerKey(dhs: [Uint8Array, Uint8Array, Uint8Array], parties: EnvelopeParties): Uint8Array {
  return deriveKey(INNER_KEY_CONTEXT, [
    ...dhs,
    parties.senderIdentityKey,
    parties.recipientIdentityKey,
    parties.ephemeralKey,
    parties.prekey,
  ]);
}

/**
 * Binds the version, the recipient and the header fields the mailbox sees.
 * The version decides how the inner plaintext is read, so nobody can relabel it.
 */
export function outerAd(version: number, recipientIdentityKey: Uint8Array, prekeyId: number, ephemeralKey: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(version), recipientIdentityKey, uint32be(prekeyId), ephemeralKey);
}

/** Both identity keys and the item id, plus both usernames so neither can be relabelled. */
export function innerAd(
  parties: EnvelopeParties,
  id: string,
  senderUsername: string,
  recipientUsername: string,
): Uint8Array {
  return concatBytes(
    parties.senderIdentityKey,
    parties.recipientIdentityKey,
    field(id),
    field(senderUsername),
    field(recipientUsername),
  );
}
