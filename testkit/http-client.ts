import http from 'node:http';

export interface HttpClientOptions {
  token?: string | null;
  maxSockets?: number;
}

/** An answer: the status and the body, parsed as JSON when it is JSON. */
export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
}

/**
 * A keep-alive JSON client on node:http, used alike against Parley and the
 * bench's floor so both pay the same client-side cost. `T` is what the caller
 * knows the route answers (the contract's types); nothing checks it.
 */
export class HttpClient {
  readonly token: string | null;
  private readonly agent: http.Agent;

  constructor(
    readonly port: number,
    options: HttpClientOptions = {},
  ) {
    this.token = options.token ?? null;
    // Idle sockets are dropped after 2 s, well before the server's 5 s
    // keep-alive timeout: otherwise a request sent on a socket the server is
    // closing at that moment fails with ECONNRESET (a few per 3,000 requests
    // with pauses of a few seconds, in plain node:http as much as in Parley).
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 64, timeout: 2000 });
  }

  request<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpAnswer<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = {};
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed as T });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like request(), but throws on a non-2xx answer and returns the body. */
  async ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, path, body);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
    return res.body;
  }

  close(): void {
    this.agent.destroy();
  }
}
