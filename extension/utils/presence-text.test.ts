import { describe, expect, it } from 'vitest';
import { describePath, isUnreachable, presenceText } from './presence-text.js';

describe('presence text', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');

  it('says online only when a connection reaches the friend', () => {
    expect(presenceText({ online: true, last_seen: null, path: 'relay' }, now)).toBe('online');
    expect(presenceText({ online: true, last_seen: null, path: null }, now)).toBe('online, not reachable');
    expect(presenceText({ online: false, last_seen: '2026-12-01T11:55:00Z', path: null }, now)).toBe('last seen 5 min ago');
    // A host that reports no path at all (older) keeps the plain wording.
    expect(presenceText({ online: true, last_seen: null }, now)).toBe('online');
    expect(isUnreachable({ online: true, last_seen: null, path: null })).toBe(true);
    expect(isUnreachable({ online: true, last_seen: null })).toBe(false);
  });

  it('names every path', () => {
    expect(describePath({ online: true, last_seen: null, path: 'tcp' }).title).toBe('Direct connection');
    expect(describePath({ online: true, last_seen: null, path: 'holepunch' }).title).toBe('Direct connection through NAT');
    expect(describePath({ online: true, last_seen: null, path: 'relay' }).detail).toMatch(/cannot read it/);
    expect(describePath({ online: true, last_seen: null, path: null }).detail).toMatch(/online, but/);
    expect(describePath({ online: false, last_seen: null, path: null }).detail).toMatch(/until they are back/);
  });
});
