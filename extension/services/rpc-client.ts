/** A response frame as both the native host and the background worker send it. */
export type RpcResponse =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string };

export interface RpcClientOptions {
  /** Time limit of one call unless the call gives its own. */
  timeoutMs?: number;
}

export const DEFAULT_RPC_TIMEOUT_MS = 5_000;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** A failed, timed-out or abandoned call. */
export class RpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RpcError';
  }
}

/**
 * Request/response over a message port: ids, per-call timeouts, and every
 * pending call rejected at once when the port goes away. The transport is
 * the `post` callback; the owner feeds answers to `handle` and calls
 * `rejectAll` on disconnect.
 */
export class RpcClient<Method extends string = string> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly timeoutMs: number;
  private readonly post: (id: number, method: Method, params: unknown) => void;

  constructor(post: (id: number, method: Method, params: unknown) => void, options: RpcClientOptions = {}) {
    this.post = post;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_RPC_TIMEOUT_MS;
  }

  call<T = unknown>(method: Method, params?: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError(`${method} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.post(id, method, params);
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new RpcError(`${method} could not be sent: ${(err as Error).message}`));
      }
    });
  }

  /** Settles the call the response belongs to; false when no call waits for it. */
  handle(response: RpcResponse): boolean {
    const entry = this.pending.get(response.id);
    if (!entry) return false;
    this.pending.delete(response.id);
    clearTimeout(entry.timer);
    if (response.ok) entry.resolve(response.result);
    else entry.reject(new RpcError(response.error));
    return true;
  }

  rejectAll(reason: string): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) {
      clearTimeout(entry.timer);
      entry.reject(new RpcError(reason));
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }
}

export function isRpcResponse(value: unknown): value is RpcResponse {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'response' &&
    typeof (value as { id?: unknown }).id === 'number';
}
