import { describe, expect, it } from 'vitest';
import { keepIncoming } from './session-choice.js';

const small = Uint8Array.of(1, 2, 3);
const large = Uint8Array.of(9, 0, 0);

describe('keepIncoming', () => {
  it('keeps the better path whoever dialled', () => {
    expect(keepIncoming({ path: 'relay', initiatorKey: small }, { path: 'holepunch', initiatorKey: large })).toBe(true);
    expect(keepIncoming({ path: 'holepunch', initiatorKey: large }, { path: 'relay', initiatorKey: small })).toBe(false);
    expect(keepIncoming({ path: 'holepunch', initiatorKey: small }, { path: 'tcp', initiatorKey: small })).toBe(true);
    expect(keepIncoming({ path: 'tcp', initiatorKey: large }, { path: 'relay', initiatorKey: large })).toBe(false);
  });

  it('on one path, lets a newer connection from the same dialler replace the older', () => {
    expect(keepIncoming({ path: 'tcp', initiatorKey: small }, { path: 'tcp', initiatorKey: Uint8Array.of(1, 2, 3) })).toBe(true);
  });

  it('on one path, keeps the connection dialled by the smaller key, from either side', () => {
    expect(keepIncoming({ path: 'holepunch', initiatorKey: small }, { path: 'holepunch', initiatorKey: large })).toBe(false);
    expect(keepIncoming({ path: 'holepunch', initiatorKey: large }, { path: 'holepunch', initiatorKey: small })).toBe(true);
  });
});
