import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LIMITS } from '../config/limits.js';
import { EventBus } from './event-bus.js';
import { MailboxPace } from './mailbox-pace.js';

const limits = { ...DEFAULT_LIMITS, mailboxFastPollMs: 100, mailboxFastIdleMs: 300, mailboxPollMs: 1000 };

describe('MailboxPace', () => {
  afterEach(() => vi.useRealTimers());

  function setup(expecting: () => boolean) {
    vi.useFakeTimers();
    const bus = new EventBus();
    const polls: number[] = [];
    const start = Date.now();
    const pace = new MailboxPace({ bus, limits, expecting, poll: async () => void polls.push(Date.now() - start) });
    pace.start();
    return { bus, polls, pace };
  }

  it('polls fast while a friend is unreachable, backs off when quiet, and speeds up on mail', async () => {
    const { bus, polls, pace } = setup(() => true);
    await vi.advanceTimersByTimeAsync(300);
    expect(polls).toEqual([100, 200, 300]);
    polls.length = 0;
    await vi.advanceTimersByTimeAsync(1700);
    // Quiet for longer than mailboxFastIdleMs: 200, 400, 800, then capped at the regular poll.
    expect(polls.map((at, i) => at - (polls[i - 1] ?? 300))).toEqual([100, 200, 400, 800]);
    bus.emit('message_status', { msg_id: 'm', peer: 'bob', delivered: false, delivery_method: 'offline', status: 'stored' });
    polls.length = 0;
    await vi.advanceTimersByTimeAsync(250);
    expect(polls).toHaveLength(2);
    pace.stop();
  });

  it('does not poll when every online friend is reachable', async () => {
    const { polls, pace } = setup(() => false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(polls).toEqual([]);
    pace.stop();
  });
});
