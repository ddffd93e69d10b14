import { describe, expect, it } from 'vitest';
import { InboundSlots } from './inbound-slots.js';
import { defined } from '../../../shared/defined.js';

describe('InboundSlots', () => {
  it('makes room from the same address first, oldest first, once it holds its share', () => {
    const slots = new InboundSlots<string>({ total: 10, perAddress: 3 });
    expect(['a1', 'a2', 'a3'].flatMap((id) => slots.admit('a', id))).toEqual([]);
    expect(slots.admit('a', 'a4')).toEqual(['a1']);
    expect(slots.admit('a', 'a5')).toEqual(['a2']);
    // Another address is unaffected.
    expect(slots.admit('b', 'b1')).toEqual([]);
    expect(slots.size).toBe(4);
  });

  it('when every slot is taken, closes the oldest of the address holding the most', () => {
    const slots = new InboundSlots<string>({ total: 5, perAddress: 4 });
    for (const id of ['b1', 'a1', 'a2', 'a3', 'c1']) expect(slots.admit(defined(id[0]), id)).toEqual([]);
    expect(slots.admit('d', 'd1')).toEqual(['a1']);
    expect(slots.admit('e', 'e1')).toEqual(['a2']);
    expect(slots.size).toBe(5);
  });

  it('frees a slot on release, and ignores an item it does not hold', () => {
    const slots = new InboundSlots<string>({ total: 2, perAddress: 2 });
    slots.admit('a', 'a1');
    slots.admit('a', 'a2');
    slots.release('a1');
    slots.release('zz');
    expect(slots.admit('b', 'b1')).toEqual([]);
    expect(slots.size).toBe(2);
  });

  it('closes one that has sent nothing before one that is handshaking, however old', () => {
    const slots = new InboundSlots<string>({ total: 10, perAddress: 3 });
    for (const id of ['friend', 'idle1', 'idle2']) slots.admit('a', id);
    slots.markActive('friend');
    expect(slots.admit('a', 'idle3')).toEqual(['idle1']);
    expect(slots.admit('a', 'idle4')).toEqual(['idle2']);
    expect(slots.admit('a', 'idle5')).toEqual(['idle3']);
    // Only when every pending one is handshaking does the oldest go.
    slots.markActive('idle4');
    slots.markActive('idle5');
    expect(slots.admit('a', 'late')).toEqual(['friend']);
  });

  it('one address opening 150 connections never keeps a newcomer from another out', () => {
    const slots = new InboundSlots<string>({ total: 64, perAddress: 8 });
    for (let i = 0; i < 150; i++) slots.admit('attacker', `x${i}`);
    expect(slots.size).toBe(8);
    expect(slots.admit('friend', 'f')).toEqual([]);
  });
});
