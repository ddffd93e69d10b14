import WebSocket from 'ws';

const CALL_TIMEOUT_MS = 30_000;

/** The part of Runtime.evaluate's answer read here. */
interface EvaluateResult {
  result: { value?: unknown };
  exceptionDetails?: { text: string; exception?: { description?: string } };
}

/**
 * A minimal Chrome DevTools Protocol client for a host started with
 * `--inspect=127.0.0.1:0`: the soak uses it to force a full GC and read V8's
 * heap statistics from inside the process, without any code in the host.
 */
export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString()) as { id: number; result?: unknown; error?: { message: string } };
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
   */
  static urlIn(stderr: string): string | null {
    return /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1] ?? null;
  }

  static connect(url: string): Promise<Inspector> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new Inspector(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends one protocol command; resolves with its result (`T`: what the protocol says it is). */
  call<T = unknown>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`inspector: ${method} timed out`));
      }, CALL_TIMEOUT_MS);
      this.pending.set(id, { resolve: (value) => resolve(value as T), reject, timer });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  /**
   * Evaluates an expression in the process and returns its value (JSON-able).
   */
  async evaluate(expression: string): Promise<unknown> {
    const result = await this.call<EvaluateResult>('Runtime.evaluate', { expression, returnByValue: true });
    if (result.exceptionDetails) throw new Error(`inspector: ${result.exceptionDetails.exception?.description ?? result.exceptionDetails.text}`);
    return result.result.value;
  }

  close(): void {
    this.socket.close();
  }
}
