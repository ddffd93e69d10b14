import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MINIMUM_NODE_VERSIONS, nodeSupport, SUPPORTED_NODE_MAJORS } from './node-support.js';

describe('nodeSupport', () => {
  it('accepts the tested LTS lines without a message', () => {
    for (const version of ['22.12.0', '22.22.1', 'v24.0.0', '24.22.3']) {
      expect(nodeSupport(version)).toEqual({ level: 'supported', version: version.replace(/^v/, ''), message: '' });
    }
  });

  it('runs on Node 20 with a warning to upgrade', () => {
    const result = nodeSupport('20.20.2');
    expect(result.level).toBe('deprecated');
    expect(result.message).toContain('end of life');
    expect(result.message).toContain('install Node.js 24 or 22');
  });

  it('refuses releases older than the minimum of their line', () => {
    for (const version of ['20.18.3', '22.11.0', '18.20.8', '16.0.0']) {
      const result = nodeSupport(version);
      expect(result.level, version).toBe('unsupported');
      expect(result.message).toContain('install Node.js 24 or 22');
    }
    expect(nodeSupport('20.18.3').message).toContain('20.19.0 or newer');
  });

  it('refuses the odd lines between supported ones, which have ended', () => {
    expect(nodeSupport('21.7.3').level).toBe('unsupported');
    expect(nodeSupport('23.11.1').level).toBe('unsupported');
  });

  it('lets newer lines run untested', () => {
    const result = nodeSupport('26.1.0');
    expect(result.level).toBe('untested');
    expect(result.message).toContain('newer than the versions Parley is tested on');
  });

  it('checks the running Node by default and rejects garbage', () => {
    expect(nodeSupport().version).toBe(process.versions.node);
    expect(() => nodeSupport('lts')).toThrow(TypeError);
  });

  it("agrees with package.json's engines range", () => {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    const expected = [...Object.keys(MINIMUM_NODE_VERSIONS).map(Number)]
      .sort((a, b) => a - b)
      .map((major) => (major === Math.max(...SUPPORTED_NODE_MAJORS) ? `>=${MINIMUM_NODE_VERSIONS[major]}` : `^${MINIMUM_NODE_VERSIONS[major]}`))
      .join(' || ');
    expect(pkg.engines.node).toBe(expected);
  });
});
