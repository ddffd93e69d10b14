import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { selfTimes } from './profile-summary.js';

describe('selfTimes', () => {
  it('sums self time per function over samples', () => {
    const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3] },
        { id: 2, callFrame: frame('hot', 'file:///x/dist/native-host/src/a.js', 9) },
        { id: 3, callFrame: frame('(idle)') },
      ],
      samples: [2, 2, 3, 2],
      timeDeltas: [1000, 1000, 2000, 1000],
    };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-prof-')), 'a.cpuprofile');
    fs.writeFileSync(file, JSON.stringify(profile));
    const rows = selfTimes([file]);
    expect(rows[0]).toEqual({ fn: 'hot dist/native-host/src/a.js:10', ms: 3, share: 0.6 });
    expect(rows[1]).toMatchObject({ fn: '(idle)', ms: 2 });
    fs.rmSync(path.dirname(file), { recursive: true });
  });
});
