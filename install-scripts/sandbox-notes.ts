import type { Packaging } from './browser-packaging.js';
import type { Browser } from './install-locations.js';

const NAMES: Record<Browser, string> = { chrome: 'Google Chrome', chromium: 'Chromium', edge: 'Microsoft Edge', brave: 'Brave', firefox: 'Firefox' };

/**
 * What the user must know about a sandboxed browser, printed by the
 * installer (and repeated by the doctor): whether it can work, and the one
 * thing left to do.
 */
export function sandboxNote(packaging: Packaging): string {
  const name = NAMES[packaging.browser];
  if (packaging.kind === 'snap' && packaging.browser === 'firefox') {
    return `${name} from Snap starts native hosts through the desktop's WebExtensions portal: it reads the ` +
      '~/.mozilla/native-messaging-hosts manifest written above and asks once whether Parley may start. ' +
      'This needs xdg-desktop-portal (Ubuntu 22.04 and later ship it); if Parley still says the host is missing, ' +
      'run npm run doctor.';
  }
  if (packaging.kind === 'snap') {
    return `${name} from Snap cannot start native hosts: its confinement runs only programs shipped inside the snap, ` +
      'and it has no portal for them. Install it from your distribution\'s package or from Flathub ' +
      '(flatpak install flathub org.chromium.Chromium), or use Firefox; then run this installer again.';
  }
  return `${name} from Flatpak runs Parley outside its sandbox with flatpak-spawn, which it may do only once allowed: ` +
    `flatpak override --user --talk-name=org.freedesktop.Flatpak ${packaging.appId} ` +
    `(this lets ${name} start programs on your computer; Parley's launcher is the only one it is told about). ` +
    `Then restart ${name}.`;
}
