import type { HostDetails, NativeMessage, NativeRequest } from '../../../shared/native-protocol.js';
import type { Logger } from '../logger.js';
import type { NativePort, NativePortCloseInfo } from './native-port.js';

/** A status change the extension should show (the `status` native message without its type). */
export type NativeStatus = Omit<Extract<NativeMessage, { type: 'status' }>, 'type'>;

export interface NativeSessionOptions {
  port: NativePort;
  /** Current connection details; called for `hello` and each `details` request. */
  getDetails: () => HostDetails;
  /** True when this process relays to a host that was already running. */
  bridged: boolean;
  /** Stops the host; called once, after the `shutdown` response is flushed. */
  shutdown: () => Promise<void>;
  /** Registers a status listener and returns a function that removes it. */
  subscribeStatus: (listener: (status: NativeStatus) => void) => () => void;
  /** Called once when the browser closes the port (or the port fails). */
  onClose: (info: NativePortCloseInfo) => void;
  logger: Logger;
}

export interface NativeSession {
  /** Detaches from status changes and closes the port; `onClose` still runs once. */
  close(): void;
}

/** What a `ping` request answers. */
export const PING_RESULT = { pong: true } as const;

/**
 * Serves the extension over a native port: sends `hello` at once, answers
 * `details`, `ping` and `shutdown`, and forwards status changes until the
 * browser closes the port.
 */
export function startNativeSession(options: NativeSessionOptions): NativeSession {
  const { port, logger } = options;
  if (port.closed) {
    options.onClose({ reason: 'closed' });
    return { close: () => {} };
  }
  let shutdownStarted = false;

  const onRequest = (request: NativeRequest): void => {
    switch (request.method) {
      case 'details':
        answerDetails(request.id);
        return;
      case 'ping':
        port.respond(request.id, PING_RESULT);
        return;
      case 'shutdown':
        port.respond(request.id, null);
        if (shutdownStarted) return;
        shutdownStarted = true;
        // The answer goes out before the host starts tearing itself down.
        void port
          .flushed()
          .then(() => options.shutdown())
          .catch((err: unknown) => logger.error('shutdown requested over native messaging failed', { error: err }));
        return;
    }
  };

  const answerDetails = (id: number): void => {
    try {
      port.respond(id, options.getDetails());
    } catch (err) {
      logger.error('could not read host details', { error: err });
      port.fail(id, 'Host details are not available');
    }
  };

  const unsubscribe = options.subscribeStatus((status) => {
    if (port.closed) return;
    port.send({ type: 'status', state: status.state, username: status.username });
  });

  port.on('request', onRequest);
  port.once('close', (info) => {
    port.off('request', onRequest);
    unsubscribe();
    logger.info('native port closed', { reason: info.reason });
    options.onClose(info);
  });

  port.send({ type: 'hello', bridged: options.bridged, ...options.getDetails() });

  return { close: () => port.close() };
}
