import fs from 'node:fs';
import type { BrowserContext, CDPSession } from 'playwright-core';
import { eventually } from '../../testkit/eventually.js';

interface CdpReply {
  id: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/** Time limit for one command sent to the target. */
const COMMAND_TIMEOUT_MS = 10_000;

/**
 * A page Playwright does not list (the browser's real side panel), driven
 * over raw DevTools protocol through the browser session: commands are
 * relayed with Target.sendMessageToTarget.
 */
export class CdpTarget {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: CdpReply) => void>();

  private constructor(
    private readonly cdp: CDPSession,
    private readonly sessionId: string,
    readonly url: string,
  ) {
    cdp.on('Target.receivedMessageFromTarget', (event) => {
      if (event.sessionId !== this.sessionId) return;
      const reply = JSON.parse(event.message) as CdpReply;
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  /** Ids of every page target of the browser, listed by Playwright or not. */
  static async pageIds(context: BrowserContext): Promise<string[]> {
    const cdp = await browserSession(context);
    try {
      const { targetInfos } = await cdp.send('Target.getTargets');
      return targetInfos.filter((t) => t.type === 'page').map((t) => t.targetId);
    } finally {
      await cdp.detach();
    }
  }

  /**
   * Attaches to a page target whose URL ends with `suffix` and whose id is
   * not in `known`, waiting for it to appear.
   */
  static async attachNew(context: BrowserContext, known: readonly string[], suffix: string, timeoutMs = 10_000): Promise<CdpTarget> {
    const cdp = await browserSession(context);
    const target = await eventually(async () => {
      const { targetInfos } = await cdp.send('Target.getTargets');
      return targetInfos.find((t) => t.type === 'page' && t.url.endsWith(suffix) && !known.includes(t.targetId));
    }, timeoutMs, `a new page target ending with ${suffix}`).catch(async (err: unknown) => {
      await cdp.detach().catch(() => {});
      throw err;
    });
    const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false });
    return new CdpTarget(cdp, sessionId, target.url);
  }

  /** Evaluates an expression in the page and returns its JSON value. */
  async evaluate<T>(expression: string): Promise<T> {
    const result = await this.call('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    return (result.result as { value: T }).value;
  }

  /** Saves a PNG of the page as it is now. */
  async screenshot(file: string): Promise<void> {
    const shot = await this.call('Page.captureScreenshot', { format: 'png' });
    fs.writeFileSync(file, Buffer.from(shot.data as string, 'base64'));
  }

  async detach(): Promise<void> {
    await this.cdp.detach().catch(() => {});
  }

  private call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method} got no answer in ${COMMAND_TIMEOUT_MS} ms`));
      }, COMMAND_TIMEOUT_MS);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
        else resolve(reply.result ?? {});
      });
      this.cdp.send('Target.sendMessageToTarget', { sessionId: this.sessionId, message: JSON.stringify({ id, method, params }) })
        .catch((err: unknown) => {
          clearTimeout(timer);
          this.pending.delete(id);
          reject(err as Error);
        });
    });
  }
}

async function browserSession(context: BrowserContext): Promise<CDPSession> {
  const browser = context.browser();
  if (!browser) throw new Error('no browser-level DevTools session for this context');
  return browser.newBrowserCDPSession();
}
