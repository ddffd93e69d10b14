// @ts-check
import WebSocket from 'ws';

const CALL_TIMEOUT_MS = 30_000;

/**
 * A minimal Chrome DevTools Protocol client for a host started with
 * `--inspect=127.0.0.1:0`: the soak uses it to force a full GC and read V8's
 * heap statistics from inside the process, without any code in the host.
 */
export class Inspector {
  /** @param {WebSocket} socket */
  constructor(socket) {
    this.socket = socket;
    this.nextId = 1;
    /** @type {Map<number, { resolve: (value: any) => void, reject: (err: Error) => void, timer: NodeJS.Timeout }>} */
    this.pending = new Map();
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString());
      const call = this.pending.get(reply.id);
      if (!call) return;
      this.pending.delete(reply.id);
      clearTimeout(call.timer);
      if (reply.error) call.reject(new Error(`inspector: ${reply.error.message}`));
      else call.resolve(reply.result);
    });
    socket.on('close', () => {
      for (const call of this.pending.values()) {
        clearTimeout(call.timer);
        call.reject(new Error('inspector connection closed'));
      }
      this.pending.clear();
    });
  }

  /**
   * The `ws://` address a process started with `--inspect` printed on stderr.
   * @param {string} stderr
   * @returns {string | null}
   */
  static urlIn(stderr) {
    return /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? null;
  }

  /**
   * @param {string} url
   * @returns {Promise<Inspector>}
   */
  static connect(url) {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new Inspector(socket)));
      socket.once('error', reject);
    });
  }

  /**
   * @param {string} method
   * @param {object} [params]
   * @returns {Promise<any>}
   */
  call(method, params = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: ${method} timed out`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * Evaluates an expression in the process and returns its value (JSON-able).
   * @param {string} expression
   */
  async evaluate(expression) {
    const result = await this.call('Runtime.evaluate', { expression, returnByValue: true });
    if (result.exceptionDetails) throw new Error(`inspector: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
    return result.result.value;
  }

  close() {
    this.socket.close();
  }
}
