/**
 * The extension's identity. The Chromium ID is fixed by the public key in the
 * manifest (`key`): the ID is the first 128 bits of SHA-256 over that DER key,
 * written with the letters a–p. Installers and the host's default Origin
 * allowlist rely on it being known in advance.
 */
export const NATIVE_HOST_NAME = 'com.parley.host';
export const CHROMIUM_EXTENSION_ID = 'ndnpjecjpchfkhblceenpbddimcaiheg';
export const CHROMIUM_EXTENSION_ORIGIN = `chrome-extension://${CHROMIUM_EXTENSION_ID}`;
export const GECKO_EXTENSION_ID = 'parley@parley.chat';
export const MANIFEST_PUBLIC_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAiR7LB8J76VnaNr7hQsh2nbU5wVYwcRmVYEHyHGSUJk4sLBRv3UWjgRbDeoity6FQfSnneZBqxpa36Jk2Smrj0/wDROskHgsEbHzwTGzBjDUxmo86ryrQ5/gAJbekMstCpPYchYTVi4v5aHBx4q07hzgPRtXXvrm5xAdkQlMLnhfWGWeWzQNs2VZgYB1rOThS4VisG5NJ7P2GKt3U5Shri2DS3YZs+YKIK+PYzGszHhuJr6GnW0p/UVkIhoCqGl4ZR/ndoOwOmCnJh22j0CJa7CQrxPGXs9lPMLoOxdaKxc8bbaodrIXwqWnRwPr6vOcvREYR6us1OlDS31TJE0yhFwIDAQAB';
