import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { draftsOf, isReadyLink, isTheme, lastReadyLink, savedDrafts, savedTheme } from './stored-items.js';

const ready = { phase: 'ready', bridged: false, details: { api_port: 1, ws_port: 2, token: 't', username: null, version: '1' } } as const;

beforeEach(() => fakeBrowser.reset());

describe('stored items', () => {
  it('keeps the last ready link in session storage under the key earlier builds used', async () => {
    expect(await lastReadyLink.getValue()).toBeNull();
    await lastReadyLink.setValue(ready);
    expect(await fakeBrowser.storage.session.get('parley.hostLink')).toEqual({ 'parley.hostLink': ready });
    await lastReadyLink.removeValue();
    expect(await lastReadyLink.getValue()).toBeNull();
  });

  it('keeps the theme in local storage, system by default', async () => {
    expect(await savedTheme.getValue()).toBe('system');
    await savedTheme.setValue('dark');
    expect(await fakeBrowser.storage.local.get('parley.theme')).toEqual({ 'parley.theme': 'dark' });
  });

  it('keeps drafts in local storage under the key earlier builds used', async () => {
    expect(await savedDrafts.getValue()).toEqual({});
    await fakeBrowser.storage.local.set({ 'parley.drafts': { bob: 'half a thought' } });
    expect(await savedDrafts.getValue()).toEqual({ bob: 'half a thought' });
  });

  it('rejects stored values of the wrong shape', () => {
    expect(draftsOf({ bob: 'hi', carol: 3, dave: null })).toEqual({ bob: 'hi' });
    expect(draftsOf(['hi'])).toEqual({});
    expect(draftsOf('hi')).toEqual({});
    expect(isReadyLink(ready)).toBe(true);
    expect(isReadyLink({ ...ready, details: { ...ready.details, api_port: '1' } })).toBe(false);
    expect(isReadyLink({ phase: 'connecting', attempt: 0 })).toBe(false);
    expect(isReadyLink('ready')).toBe(false);
    expect(isTheme('dark')).toBe(true);
    expect(isTheme('blue')).toBe(false);
  });
});
