// The part of blind-relay that parley-relay uses (it ships no types).

declare module 'blind-relay' {
  import type { EventEmitter } from 'node:events';

  interface RelaySession extends EventEmitter {
    on(event: 'error', listener: (err: Error) => void): this;
  }

  export class Server {
    constructor(options: { createStream(options: unknown): unknown });
    /** Serves pairing requests arriving on `stream` (an encrypted DHT stream). */
    accept(stream: unknown, options: { id: Buffer }): RelaySession;
    close(): Promise<void>;
    readonly stats: {
      sessions: { active: number };
      pairings: { active: number; matched: number };
    };
  }
}
