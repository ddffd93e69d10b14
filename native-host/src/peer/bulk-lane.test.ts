import { describe, expect, it } from 'vitest';
import { BulkLane, type BulkFrame } from './bulk-lane.js';

function frames(n: number): BulkFrame[] {
  return Array.from({ length: n }, (_, i) => ({ id: 'a', offset: i * 10, data: new Uint8Array(10) }));
}

describe('BulkLane', () => {
  it('writes bulk frames only while the link has room, one more after each drain', () => {
    const queue = frames(5);
    const written: number[] = [];
    let room = 2;
    const lane = new BulkLane(() => queue.shift() ?? null, (f) => {
      written.push(f.offset);
      room -= 1;
      return room > 0;
    });
    lane.pump();
    expect(written).toEqual([0, 10]);
    lane.pump();
    expect(written).toEqual([0, 10]);
    room = 1;
    lane.drained();
    expect(written).toEqual([0, 10, 20]);
    room = 10;
    lane.drained();
    expect(written).toEqual([0, 10, 20, 30, 40]);
  });

  it('stops when a chat frame filled the link, and goes on after the drain', () => {
    const queue = frames(2);
    const written: number[] = [];
    const lane = new BulkLane(() => queue.shift() ?? null, (f) => written.push(f.offset) > 0);
    lane.full();
    lane.pump();
    expect(written).toEqual([]);
    lane.drained();
    expect(written).toEqual([0, 10]);
  });

  it('asks the source again when woken after it ran dry', () => {
    const queue: BulkFrame[] = [];
    const written: number[] = [];
    const lane = new BulkLane(() => queue.shift() ?? null, (f) => written.push(f.offset) > 0);
    lane.pump();
    queue.push(...frames(1));
    lane.pump();
    expect(written).toEqual([0]);
  });

  it('does not re-enter when a write wakes the lane', () => {
    const queue = frames(3);
    const written: number[] = [];
    const lane: BulkLane = new BulkLane(() => queue.shift() ?? null, (f) => {
      written.push(f.offset);
      lane.pump();
      return true;
    });
    lane.pump();
    expect(written).toEqual([0, 10, 20]);
  });
});
