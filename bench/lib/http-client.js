// @ts-check
import http from 'node:http';

/**
 * A keep-alive JSON client on node:http, used alike against Parley and the
 * floor so both pay the same client-side cost.
 */
export class HttpClient {
  /**
   * @param {number} port 127.0.0.1 port
   * @param {{ token?: string | null, maxSockets?: number }} [options]
   */
  constructor(port, options = {}) {
    this.port = port;
    this.token = options.token ?? null;
    // Idle sockets are dropped after 2 s, well before the server's 5 s
    // keep-alive timeout: otherwise a request sent on a socket the server is
    // closing at that moment fails with ECONNRESET (a few per 3,000 requests
    // with pauses of a few seconds, in plain node:http as much as in Parley).
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64, timeout: 2000 });
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<{ status: number, body: any }>}
   */
  request(method, path, body) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    /** @type {Record<string, string | number>} */
    const headers = {};
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /**
   * Like request(), but throws on a non-2xx answer.
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async ok(method, path, body) {
    const res = await this.request(method, path, body);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  close() {
    this.agent.destroy();
  }
}
