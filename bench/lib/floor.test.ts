import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFloor } from './floor.js';

describe('the bare pipe', () => {
  let floor: Awaited<ReturnType<typeof startFloor>>;
  beforeAll(async () => {
    floor = await startFloor();
  });
  afterAll(() => floor?.stop());

  it('pushes each POST body to the WebSocket and answers only after the ack', async () => {
    const events = await floor.events();
    const arrivals = ['one', 'two', 'three'].map((text) => events.arrival(text));
    const answers = await Promise.all(['one', 'two', 'three'].map((text) => floor.http.request('POST', '/messages', { to: 'bob', text })));
    expect(answers).toEqual(Array(3).fill({ status: 201, body: { delivered: true } }));
    const times = await Promise.all(arrivals);
    expect(times.every((t) => typeof t === 'number')).toBe(true);
    expect(events.received).toHaveLength(3);
    events.close();
  });
});
