/** Tokens of Noise handshake patterns (spec rev 34, section 7). */
export type Token = 'e' | 's' | 'ee' | 'es' | 'se' | 'ss';

export interface HandshakePattern {
  /** Static keys each side's peer knows before the handshake (`-> s`, `<- s`); ephemeral pre-messages are not supported. */
  preMessageInitiator: readonly 's'[];
  preMessageResponder: readonly 's'[];
  /** Messages in order; even indexes are sent by the initiator. */
  messages: readonly (readonly Token[])[];
}

export type PatternName = 'NN' | 'IK' | 'XX';

export const HANDSHAKE_PATTERNS: Readonly<Record<PatternName, HandshakePattern>> = {
  NN: {
    preMessageInitiator: [],
    preMessageResponder: [],
    messages: [['e'], ['e', 'ee']],
  },
  IK: {
    preMessageInitiator: [],
    preMessageResponder: ['s'],
    messages: [
      ['e', 'es', 's', 'ss'],
      ['e', 'ee', 'se'],
    ],
  },
  XX: {
    preMessageInitiator: [],
    preMessageResponder: [],
    messages: [['e'], ['e', 'ee', 's', 'es'], ['s', 'se']],
  },
};
