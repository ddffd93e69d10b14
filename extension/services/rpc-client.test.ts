import { afterEach, describe, expect, it, vi } from 'vitest';
import { RpcClient, RpcError } from './rpc-client.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('RpcClient', () => {
  it('matches responses to calls by id', async () => {
    const sent: Array<[number, string]> = [];
    const rpc = new RpcClient<'a' | 'b'>((id, method) => sent.push([id, method]));
    const a = rpc.call('a');
    const b = rpc.call('b');
    expect(sent).toEqual([[1, 'a'], [2, 'b']]);
    rpc.handle({ type: 'response', id: 2, ok: true, result: 'B' });
    rpc.handle({ type: 'response', id: 1, ok: false, error: 'nope' });
    await expect(b).resolves.toBe('B');
    await expect(a).rejects.toThrow('nope');
    expect(rpc.handle({ type: 'response', id: 1, ok: true, result: 1 })).toBe(false);
    expect(rpc.pendingCount).toBe(0);
  });

  it('times out a call that gets no answer', async () => {
    vi.useFakeTimers();
    const rpc = new RpcClient(() => {}, { timeoutMs: 100 });
    const p = rpc.call('ping');
    const check = expect(p).rejects.toThrow(/timed out after 100 ms/);
    vi.advanceTimersByTime(100);
    await check;
    expect(rpc.pendingCount).toBe(0);
  });

  it('rejects every pending call on disconnect', async () => {
    const rpc = new RpcClient(() => {});
    const calls = [rpc.call('x'), rpc.call('y')];
    rpc.rejectAll('port closed');
    for (const c of calls) await expect(c).rejects.toBeInstanceOf(RpcError);
    expect(rpc.pendingCount).toBe(0);
  });

  it('rejects at once when the transport throws', async () => {
    const rpc = new RpcClient(() => {
      throw new Error('disconnected port');
    });
    await expect(rpc.call('x')).rejects.toThrow(/could not be sent: disconnected port/);
  });
});
