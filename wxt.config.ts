import { defineConfig } from 'wxt';
import { GECKO_EXTENSION_ID, MANIFEST_PUBLIC_KEY } from './shared/extension-id';

// Loopback only: the extension talks to nothing but its own Parley host.
const HOST_PERMISSIONS = ['http://127.0.0.1/*', 'ws://127.0.0.1/*'];

/**
 * `npm run zip` builds in this mode (into .output/*-store): the packages for
 * the Chrome Web Store and addons.mozilla.org. The Web Store refuses a
 * manifest with `key`; it keeps the item's own key and so its ID.
 */
const STORE_MODE = 'store';

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/module-vue'],
  manifest: ({ browser, mode }) => {
    const firefox = browser === 'firefox';
    return {
      name: 'Parley',
      description: 'Peer-to-peer, end-to-end encrypted 1:1 chat.',
      permissions: ['nativeMessaging', 'storage', 'notifications'],
      host_permissions: HOST_PERMISSIONS,
      action: { default_title: 'Parley' },
      // Chromium derives the extension ID from `key`; the host's allowed
      // origins and the native-messaging manifest depend on that ID.
      ...(firefox
        ? {
            browser_specific_settings: {
              // Parley sends nothing to its authors; everything stays between the user's host and friends.
              gecko: { id: GECKO_EXTENSION_ID, strict_min_version: '115.0', data_collection_permissions: { required: ['none'] } },
            },
          }
        : mode === STORE_MODE ? {} : { key: MANIFEST_PUBLIC_KEY }),
    };
  },
  zip: {
    // parley-<version>-chrome.zip, parley-<version>-firefox.zip and, for AMO's review, parley-<version>-sources.zip.
    artifactTemplate: '{{name}}-{{packageVersion}}-{{browser}}.zip',
    sourcesTemplate: '{{name}}-{{packageVersion}}-sources.zip',
    // The sources archive holds what builds the add-on, nothing of the host, tests or tooling.
    excludeSources: [
      'native-host/**', 'install-scripts/**', 'e2e/**', 'bench/**', 'testkit/**', 'supabase/**', 'docs/**', 'scripts/**',
      'dist/**', 'test-output/**', 'extension/test-support/**', 'vitest.config.ts', 'extension/vitest.config.ts',
    ],
  },
});
