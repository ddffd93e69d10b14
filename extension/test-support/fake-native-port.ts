import type { NativePortLike } from '../background/native-link.js';

/** A native-messaging port driven by the test: it plays the host. */
export class FakeNativePort implements NativePortLike {
  readonly posted: unknown[] = [];
  error: { message?: string } | null = null;
  disconnected = false;
  private readonly messageListeners: Array<(m: unknown) => void> = [];
  private readonly disconnectListeners: Array<(p: NativePortLike) => void> = [];

  onMessage = { addListener: (fn: (m: unknown) => void) => void this.messageListeners.push(fn) };
  onDisconnect = { addListener: (fn: (p: NativePortLike) => void) => void this.disconnectListeners.push(fn) };

  postMessage(message: unknown): void {
    if (this.disconnected) throw new Error('Attempting to use a disconnected port object');
    this.posted.push(message);
  }

  disconnect(): void {
    this.disconnected = true;
  }

  /** The host sends a frame. */
  deliver(message: unknown): void {
    for (const fn of this.messageListeners) fn(message);
  }

  /** The host goes away, optionally with the browser's error text. */
  drop(errorMessage?: string): void {
    this.disconnected = true;
    if (errorMessage) this.error = { message: errorMessage };
    for (const fn of this.disconnectListeners) fn(this);
  }
}
