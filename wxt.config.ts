import { defineConfig } from 'wxt';
import { GECKO_EXTENSION_ID, MANIFEST_PUBLIC_KEY } from './shared/extension-id';

// Loopback only: the extension talks to nothing but its own Parley host.
const HOST_PERMISSIONS = ['http://127.0.0.1/*', 'ws://127.0.0.1/*'];

export default defineConfig({
  srcDir: 'extension',
  outDir: '.output',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/module-vue'],
  manifest: ({ browser }) => {
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
        : { key: MANIFEST_PUBLIC_KEY }),
    };
  },
});
