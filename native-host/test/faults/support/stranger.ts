import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { generateIdentity, type IdentityKeys } from '../../../src/crypto/identity.js';
import { encodeFrame, FrameDecoder } from '../../../src/peer/framing.js';
import { createInitiator } from '../../../src/peer/peer-handshake.js';
import { defined } from '../../../../shared/defined.js';

export type StrangerKind = 'handshake' | 'garbage' | 'silent' | 'hangup';
export type StrangerOutcome = 'closed-by-host' | 'held-open' | 'refused';

/** Whom a `handshake` stranger claims to be: a name (a friend's, for an impostor) and keys. */
export interface Claim {
  username: string;
  identity: IdentityKeys;
}

/**
 * One connection attempt from someone who is not a friend: a full Noise
 * handshake (under a fresh identity and name, or `as`), random bytes, a
 * first message then silence, or an immediate hang-up. Resolves with how
 * the host ended it.
 */
export function stranger(port: number, kind: StrangerKind, holdMs: number, as?: Claim): Promise<{ outcome: StrangerOutcome; gotReply: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let connected = false;
    let gotReply = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ outcome: 'held-open', gotReply });
    }, holdMs);
    const finish = (outcome: StrangerOutcome) => {
      clearTimeout(timer);
      resolve({ outcome, gotReply });
    };
    socket.on('error', () => undefined);
    socket.on('close', () => finish(connected ? 'closed-by-host' : 'refused'));
    socket.on('connect', () => {
      connected = true;
      // Read (and drop) whatever the host answers, so its close is seen.
      if (kind !== 'handshake') socket.resume();
      if (kind === 'hangup') {
        socket.destroy();
        clearTimeout(timer);
        resolve({ outcome: 'closed-by-host', gotReply });
        return;
      }
      if (kind === 'garbage') {
        socket.write(randomBytes(1 + Math.floor(Math.random() * 300)));
        return;
      }
      const me = as?.identity ?? generateIdentity();
      const handshake = createInitiator({
        username: as?.username ?? `stranger${Math.floor(Math.random() * 1e6)}`,
        staticKeys: { publicKey: me.publicKey, privateKey: me.privateKey },
        signingKeys: { publicKey: me.signingPublicKey, privateKey: me.signingPrivateKey },
      });
      socket.write(encodeFrame(defined(handshake.next(null).send)));
      if (kind === 'silent') return;
      const decoder = new FrameDecoder();
      socket.on('data', (chunk: Buffer) => {
        try {
          for (const frame of decoder.push(chunk)) {
            gotReply = true;
            const step = handshake.next(frame);
            if (step.send) socket.write(encodeFrame(step.send));
          }
        } catch {
          socket.destroy();
        }
      });
    });
  });
}
