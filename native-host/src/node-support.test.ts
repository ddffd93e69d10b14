import { describe, expect, it } from 'vitest';
import { judgeNode } from './node-support.js';

describe('judgeNode', () => {
  it.each([
    ['v22.11.0', 'supported'],
    ['24.0.1', 'supported'],
    ['v20.19.0', 'still-works'],
    ['v20.20.2', 'still-works'],
    ['v20.18.3', 'refused'],
    ['v18.20.4', 'refused'],
    ['v23.1.0', 'untested'],
    ['v26.0.0', 'untested'],
    ['not a version', 'refused'],
  ] as const)('%s is %s', (version, support) => {
    const verdict = judgeNode(version);
    expect(verdict.support).toBe(support);
    expect(verdict.message === '').toBe(support === 'supported');
  });

  it('says what to install when refusing', () => {
    expect(judgeNode('v18.19.0').message).toBe('Node.js v18.19.0 is too old: Parley needs Node.js 22 or 24 (20.19 or newer still works)');
  });

  it('accepts the Node running this test', () => {
    expect(judgeNode(process.version).support).not.toBe('refused');
  });
});
