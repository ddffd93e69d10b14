import { describe, expect, it } from 'vitest';
import { flatpakLauncherScript, launcherScript } from '../../../install-scripts/host-files.js';
import { readLauncher } from './launcher-reading.js';

describe('readLauncher', () => {
  it('reads the sh launcher the installer writes, quotes and all', () => {
    const text = launcherScript({ platform: 'linux', nodePath: "/opt/it's node/bin/node", hostEntry: '/repo dir/dist/main.js' });
    expect(readLauncher(text)).toEqual({ kind: 'node', nodePath: "/opt/it's node/bin/node", hostEntry: '/repo dir/dist/main.js' });
  });

  it('allows Node flags and environment settings before the entry', () => {
    const text = "#!/bin/sh\nMALLOC_ARENA_MAX=2 exec '/usr/bin/node' --max-old-space-size=128 '/r/main.js' \"$@\"\n";
    expect(readLauncher(text)).toEqual({ kind: 'node', nodePath: '/usr/bin/node', hostEntry: '/r/main.js' });
  });

  it('reads the Windows .cmd launcher', () => {
    const text = launcherScript({ platform: 'win32', nodePath: 'C:\\100%\\node.exe', hostEntry: 'C:\\p\\main.js' });
    expect(readLauncher(text)).toEqual({ kind: 'node', nodePath: 'C:\\100%\\node.exe', hostEntry: 'C:\\p\\main.js' });
  });

  it('reads the Flatpak launcher', () => {
    expect(readLauncher(flatpakLauncherScript({ hostLauncher: '/home/a/.local/share/parley/l.sh' }))).toEqual({
      kind: 'flatpak',
      hostLauncher: '/home/a/.local/share/parley/l.sh',
    });
  });

  it('gives up on anything else', () => {
    expect(readLauncher('#!/bin/sh\necho hi\n')).toEqual({ kind: 'unknown' });
  });
});
