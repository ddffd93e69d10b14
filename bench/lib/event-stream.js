// @ts-check
import WebSocket from 'ws';

/**
 * A WebSocket client that hands every `new_message` to whoever waits for
 * its text; used alike for Parley's /events and the floor's push socket.
 */
export class EventStream {
  /** @param {WebSocket} socket */
  constructor(socket) {
    this.socket = socket;
    /** @type {Map<string, (at: number) => void>} */
    this.waiting = new Map();
    this.received = 0;
    socket.on('message', (data) => {
      const at = performance.now();
      const frame = JSON.parse(data.toString());
      if (frame.event !== 'new_message') return;
      this.received += 1;
      const wake = this.waiting.get(frame.data.text);
      if (wake) {
        this.waiting.delete(frame.data.text);
        wake(at);
      }
    });
  }

  /**
   * @param {string} url e.g. ws://127.0.0.1:port/events?token=...
   * @returns {Promise<EventStream>}
   */
  static connect(url) {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new EventStream(socket)));
      socket.once('error', reject);
    });
  }

  /**
   * Resolves with the arrival time (performance.now) of the message whose text is `text`.
   * @param {string} text
   * @param {number} [timeoutMs]
   * @returns {Promise<number>}
   */
  arrival(text, timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(text);
        reject(new Error(`no new_message '${text}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(text, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  close() {
    this.socket.close();
  }
}
