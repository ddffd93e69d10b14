import { describe, expect, it } from 'vitest';
import { InstallUsageError, parseInstallArgs } from './install-args.js';
import { BROWSERS } from './install-locations.js';

describe('parseInstallArgs', () => {
  it('defaults to every browser, install mode', () => {
    expect(parseInstallArgs([])).toEqual({ browsers: [...BROWSERS], userDataDir: null, uninstall: false, help: false });
  });

  it('reads --browser in both spellings, repeated, case-insensitively', () => {
    expect(parseInstallArgs(['--browser', 'Chrome', '--browser=firefox']).browsers).toEqual(['chrome', 'firefox']);
    expect(parseInstallArgs(['--browser', 'all']).browsers).toEqual([...BROWSERS]);
    expect(parseInstallArgs(['--browser', 'edge', '--browser', 'edge']).browsers).toEqual(['edge']);
  });

  it('reads --user-data-dir and --uninstall', () => {
    expect(parseInstallArgs(['--user-data-dir', '/tmp/p', '--uninstall'])).toMatchObject({
      userDataDir: '/tmp/p',
      uninstall: true,
    });
    expect(parseInstallArgs(['--user-data-dir=rel/dir']).userDataDir).toBe('rel/dir');
    expect(parseInstallArgs(['--browser', 'chromium', '--user-data-dir', '/p']).userDataDir).toBe('/p');
  });

  it('reads --help and -h', () => {
    expect(parseInstallArgs(['-h']).help).toBe(true);
    expect(parseInstallArgs(['--help']).help).toBe(true);
  });

  it.each([
    [['--browser', 'safari'], /Unknown browser 'safari'/],
    [['--browser'], /--browser needs a value/],
    [['--browser', '--uninstall'], /--browser needs a value/],
    [['--user-data-dir'], /needs a value/],
    [['--user-data-dir='], /needs a directory/],
    [['--user-data-dir', '/a', '--user-data-dir', '/b'], /only once/],
    [['--uninstall=yes'], /takes no value/],
    [['--frobnicate'], /Unknown argument '--frobnicate'/],
    [['chrome'], /Unknown argument 'chrome'/],
    [['--browser', 'firefox', '--user-data-dir', '/p'], /Chromium-family/],
  ])('rejects %j with a usage error', (argv, message) => {
    expect(() => parseInstallArgs(argv)).toThrow(InstallUsageError);
    expect(() => parseInstallArgs(argv)).toThrow(message);
  });
});
