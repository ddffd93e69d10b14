import { spawn, type ChildProcess } from 'node:child_process';
import type { NativeMessage, NativeRequest } from '../../../shared/native-protocol.js';
import { defined } from '../../../shared/defined.js';

/**
 * Talks to a native host the way Chromium does: spawns it with the caller
 * origin, writes and reads frames of a 4-byte little-endian length plus
 * UTF-8 JSON on its stdin/stdout, and closes stdin to say goodbye.
 */
export class NativeClient {
  readonly messages: NativeMessage[] = [];
  stderr = '';
  private buffer = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private readonly exit: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    defined(child.stdout).on('data', (chunk: Buffer) => this.onData(chunk));
    defined(child.stderr).on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exit = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** `uid`/`gid` run it as another user (when the test runs as root). */
  static spawn(command: string, args: string[], env: Record<string, string>, as: { uid?: number; gid?: number } = {}): NativeClient {
    return new NativeClient(spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env }, ...as }));
  }

  send(request: NativeRequest): void {
    const body = Buffer.from(JSON.stringify(request), 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length, 0);
    defined(this.child.stdin).write(Buffer.concat([header, body]));
  }

  /** The first received message (old or new) that matches, within the time limit. */
  async waitFor(match: (m: NativeMessage) => boolean, timeoutMs = 15_000): Promise<NativeMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.child.exitCode !== null) {
        throw new Error(`no matching native message (exit ${this.child.exitCode}); got ${JSON.stringify(this.messages)}; stderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closes stdin, as the browser does when the extension drops the port. */
  closeInput(): void {
    defined(this.child.stdin).end();
  }

  exited(): Promise<number | null> {
    return this.exit;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const length = this.buffer.readUInt32LE(0);
      if (this.buffer.length < 4 + length) break;
      this.messages.push(JSON.parse(this.buffer.subarray(4, 4 + length).toString('utf8')) as NativeMessage);
      this.buffer = this.buffer.subarray(4 + length);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }
}
