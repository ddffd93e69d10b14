import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE } from '../shared/contract.js';
import type { EventClient } from '../native-host/test/support/event-client.js';
import { eventually, Testnet, type TestHost } from '../native-host/test/support/testnet.js';
import { CdpTarget } from './support/cdp-target.js';
import { ParleyBrowser } from './support/parley-browser.js';
import { bubbles, shoot, waitForAttr, waitForCount, waitForPhase, waitForText } from './support/ui.js';

const ME = 'alice';
const FRIEND = 'bob';
/** A real side panel is about this size; below 720 px the chat replaces the contact list. */
const PANEL = { width: 400, height: 720 };
const WIDE = { width: 1040, height: 700 };
const POPUP = { width: 360, height: 560 };
/** More than one page of history, so the oldest need "load older". */
const SEEDED = DEFAULT_PAGE_SIZE + 12;

describe('a full conversation in the side panel', () => {
  let net: Testnet;
  let friend: TestHost;
  let friendEvents: EventClient | null = null;
  let browser: ParleyBrowser;
  let panel: Page;
  /** Every message between the two, as the browser's host should count them. */
  let total = 0;
  let mineId = '';

  beforeAll(async () => {
    net = new Testnet();
    friend = await net.start({ username: FRIEND });
    browser = await ParleyBrowser.launch({ root: path.join(net.root, 'browser'), directoryPath: net.directoryPath });
    panel = await browser.open('sidepanel', PANEL);
  });

  afterAll(async () => {
    friendEvents?.close();
    await browser?.close();
    await net?.close();
  });

  async function openChat(): Promise<void> {
    await panel.getByTestId(`contact-${FRIEND}`).click();
    await panel.getByTestId('chat-view').waitFor();
    await parkPointer(panel);
  }

  async function backToList(): Promise<void> {
    await panel.getByTestId('chat-back').click();
    await panel.getByTestId('contact-list').waitFor();
  }

  it('claims a username in onboarding', async () => {
    await waitForPhase(panel, 'onboarding');
    await shoot(panel, 'conversation-01-onboarding');

    // A name someone already holds is refused inline.
    await panel.getByTestId('onboarding-username').fill(FRIEND);
    await panel.getByTestId('onboarding-submit').click();
    await waitForText(panel.getByTestId('onboarding-error'), `“${FRIEND}” is taken. Try another name.`);
    await shoot(panel, 'conversation-02-onboarding-taken');

    await panel.getByTestId('onboarding-username').fill(ME);
    await panel.getByTestId('onboarding-submit').click();
    await waitForPhase(panel, 'ready');
    await waitForText(panel.getByTestId('own-username'), ME);
    await panel.getByTestId('contacts-empty').waitFor();
    await waitForAttr(panel.getByTestId('connection-state'), 'data-state', 'online');
    expect((await browser.api().status()).username).toBe(ME);
    await shoot(panel, 'conversation-03-no-friends');
  });

  it('adds a friend through the dialog, showing a 404 inline first', async () => {
    // The friend adds us too, so its host accepts our messages.
    await eventually(() => friend.api.addFriend(ME), 10_000, `${FRIEND} adding ${ME}`);
    friendEvents = await friend.events();

    await panel.getByTestId('add-friend-empty').click();
    await panel.getByTestId('add-friend-dialog').waitFor();
    await panel.getByTestId('add-friend-input').fill('nobody-here');
    await panel.getByTestId('add-friend-submit').click();
    const error = panel.getByTestId('add-friend-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('No Parley user called “nobody-here”');
    await shoot(panel, 'conversation-04-add-friend-unknown');

    await panel.getByTestId('add-friend-input').fill(FRIEND);
    await panel.getByTestId('add-friend-submit').click();
    await panel.getByTestId('add-friend-dialog').waitFor({ state: 'detached' });
    // Adding opens the new chat.
    await panel.getByTestId('chat-empty').waitFor();
    await parkPointer(panel);
    await waitForAttr(panel.getByTestId(`presence-header-${FRIEND}`), 'data-online', 'true');
    await shoot(panel, 'conversation-05-friend-added');
    expect((await browser.api().friends()).map((c) => c.username)).toEqual([FRIEND]);
  });

  it("shows the friend's message in the open chat", async () => {
    const sent = await friend.api.send(ME, 'Hi Alice! Did the keys check out?');
    total++;
    const bubble = panel.getByTestId(`message-${sent.msg_id}`);
    await bubble.waitFor({ timeout: 20_000 });
    expect(await bubble.getAttribute('data-direction')).toBe('received');
    expect(await bubble.innerText()).toContain('Did the keys check out?');
    // Read on screen: the host learns it, and no unread count shows anywhere.
    const api = browser.api();
    await eventually(async () => (await api.messages(FRIEND)).messages.find((m) => m.msg_id === sent.msg_id)?.read, 10_000, 'the message marked read');
    await eventually(async () => (await browser.badge()) === '', 10_000, 'an empty badge');
    expect(await panel.getByTestId(`unread-${FRIEND}`).count()).toBe(0);
    await shoot(panel, 'conversation-06-message-received');
  });

  it('counts a message as unread on the contact row and the toolbar badge while the chat is closed', async () => {
    await backToList();
    await friend.api.send(ME, 'Are you free later? There is a long thought here that should be cut in the preview line.');
    total++;
    await waitForText(panel.getByTestId(`unread-${FRIEND}`), '1');
    await eventually(async () => (await browser.badge()) === '1', 10_000, 'badge "1"');
    await shoot(panel, 'conversation-07-unread');
  });

  it('the popup lists contacts with unread counts and opens the side panel', async () => {
    const popup = await browser.open('popup', POPUP);
    await waitForPhase(popup, 'ready');
    await popup.getByTestId('popup-root').waitFor();
    await waitForText(popup.getByTestId(`unread-${FRIEND}`), '1');
    await waitForAttr(popup.getByTestId(`presence-${FRIEND}`), 'data-online', 'true');
    await shoot(popup, 'popup-01-unread');

    const known = await CdpTarget.pageIds(browser.context);
    await popup.getByTestId('open-side-panel').click();
    // Playwright does not list the side panel as a page, but the browser's DevTools target list does.
    const sidePanel = await CdpTarget.attachNew(browser.context, known, '/sidepanel.html');
    try {
      await eventually(
        () => sidePanel.evaluate<string | null>('document.querySelector(\'[data-testid="app-root"]\')?.dataset.phase ?? null').then((p) => p === 'ready'),
        15_000,
        'the real side panel to be ready',
      );
      await eventually(
        () => sidePanel.evaluate<string | null>(`document.querySelector('[data-testid="unread-${FRIEND}"]')?.textContent.trim() ?? null`).then((t) => t === '1'),
        10_000,
        'the unread count in the real side panel',
      );
      await sidePanel.shoot('popup-02-opened-side-panel');
    } finally {
      await sidePanel.detach();
    }
    // A failed sidePanel.open() would show an alert; opened from a tab, the popup page stays.
    expect(await popup.getByRole('alert').count()).toBe(0);
    expect(popup.isClosed()).toBe(false);
    await popup.close();
  });

  it('sends with Enter and the friend receives it', async () => {
    await openChat();
    await panel.getByTestId(`unread-${FRIEND}`).waitFor({ state: 'detached' });
    const input = panel.getByTestId('composer-input');
    await input.pressSequentially('Hello Bob', { delay: 20 });
    // Typing in the composer reaches the friend's host.
    await friendEvents!.waitFor('typing', (t) => t.username === ME && t.typing);
    await input.pressSequentially(', see you at 6!', { delay: 5 });
    await input.press('Enter');
    total++;

    const mine = bubbles(panel).filter({ hasText: 'Hello Bob, see you at 6!' });
    await waitForAttr(mine, 'data-direction', 'sent');
    await waitForAttr(mine, 'data-status', 'delivered');
    expect(await mine.getAttribute('data-method')).toBe('direct');
    mineId = (await mine.getAttribute('data-testid'))!.replace(/^message-/, '');
    expect(mineId).not.toMatch(/^local-/);
    expect(await input.inputValue()).toBe('');

    const got = await eventually(async () => (await friend.api.messages(ME)).messages.find((m) => m.msg_id === mineId), 10_000, 'the friend to store it');
    expect(got).toMatchObject({ text: 'Hello Bob, see you at 6!', direction: 'received', from: ME });
    await shoot(panel, 'conversation-08-sent');

    // The friend reading it comes back as a read receipt.
    friendEvents!.send({ event: 'mark_read', data: { peer: ME, msg_id: mineId } });
    await waitForAttr(panel.getByTestId(`message-${mineId}`), 'data-status', 'read');
    await shoot(panel, 'conversation-08b-read');

    await panel.setViewportSize(WIDE);
    await panel.getByTestId('contact-list').waitFor();
    expect(await panel.getByTestId('chat-back').isVisible()).toBe(false);
    await shoot(panel, 'conversation-09-wide');
    await panel.setViewportSize(PANEL);
  });

  it("shows the friend's typing indicator", async () => {
    const indicator = panel.getByTestId('typing-indicator');
    // Typing is relayed over the live peer session; repeat it the way a typing client does.
    await eventually(async () => {
      friendEvents!.send({ event: 'typing', data: { to: ME, typing: true } });
      return indicator.waitFor({ timeout: 1_000 }).then(() => true, () => false);
    }, 15_000, 'the typing indicator');
    await waitForText(panel.getByTestId('chat-presence'), 'typing…');
    await shoot(panel, 'conversation-10-typing');
    friendEvents!.send({ event: 'typing', data: { to: ME, typing: false } });
    await indicator.waitFor({ state: 'detached' });
  });

  it('shows the friend going offline, and a message sent then as stored offline', async () => {
    friendEvents!.close();
    friendEvents = null;
    await friend.stop();
    await waitForAttr(panel.getByTestId(`presence-header-${FRIEND}`), 'data-online', 'false', 20_000);
    await waitForAttr(panel.getByTestId(`presence-${FRIEND}`), 'data-online', 'false');
    await shoot(panel, 'conversation-11-friend-offline');

    const input = panel.getByTestId('composer-input');
    await input.fill('Ping me when you are back');
    await input.press('Enter');
    total++;
    const waiting = bubbles(panel).filter({ hasText: 'Ping me when you are back' });
    await waitForAttr(waiting, 'data-status', 'stored');
    expect(await waiting.getAttribute('data-method')).toBe('offline');
    await shoot(panel, 'conversation-12-stored-offline');
  });

  it('marks the stored message delivered once the friend returns', async () => {
    friend = await net.restart(friend);
    const waiting = bubbles(panel).filter({ hasText: 'Ping me when you are back' });
    await waitForAttr(waiting, 'data-status', 'delivered', 30_000);
    await waitForAttr(panel.getByTestId(`presence-header-${FRIEND}`), 'data-online', 'true', 20_000);
    const id = (await waiting.getAttribute('data-testid'))!.replace(/^message-/, '');
    const got = (await friend.api.messages(ME)).messages.find((m) => m.msg_id === id);
    expect(got?.text).toBe('Ping me when you are back');
    await shoot(panel, 'conversation-13-delivered-after-return');
  });

  it('loads older messages when scrolled to the top', async () => {
    await backToList();
    for (let i = 1; i <= SEEDED; i++) await friend.api.send(ME, `Catching up, message ${i} of ${SEEDED}`);
    total += SEEDED;
    const api = browser.api();
    await eventually(async () => (await api.messages(FRIEND, { limit: 1 })).total === total, 30_000, `${total} messages on our host`);
    await waitForText(panel.getByTestId(`unread-${FRIEND}`), String(SEEDED));
    await shoot(panel, 'conversation-14-many-unread');

    // A fresh page load starts from the newest page only.
    await panel.reload();
    await waitForPhase(panel, 'ready');
    await openChat();
    await waitForCount(bubbles(panel), (n) => n === DEFAULT_PAGE_SIZE);
    await panel.getByTestId('load-older').waitFor();
    await shoot(panel, 'conversation-15-newest-page');

    await panel.getByTestId('chat-messages').evaluate((el) => el.scrollTo({ top: 0 }));
    const shown = await waitForCount(bubbles(panel), (n) => n === total, 20_000);
    expect(shown).toBe(total);
    await panel.getByTestId('load-older').waitFor({ state: 'detached' });
    await expectVisibleText(panel, 'Hi Alice! Did the keys check out?');
    await shoot(panel, 'conversation-16-older-loaded');
  });

  it('deletes a message from the chat and from the host', async () => {
    const mine = panel.getByTestId(`message-${mineId}`);
    await mine.scrollIntoViewIfNeeded();
    await mine.hover();
    await shoot(panel, 'conversation-17-delete-hover');
    await mine.getByTestId('delete-button').click();
    await mine.waitFor({ state: 'detached' });
    await waitForCount(bubbles(panel), (n) => n === total - 1);
    const left = await browser.api().messages(FRIEND, { limit: 500 });
    expect(left.messages.some((m) => m.msg_id === mineId)).toBe(false);
    expect(left.total).toBe(total - 1);
  });

  it('shows the same safety number as the friend and marks them verified', async () => {
    await panel.getByTestId('chat-details-button').click();
    const digits = panel.getByTestId('safety-number');
    await digits.waitFor();
    const shown = (await digits.locator('span').allInnerTexts()).join(' ');
    const theirs = await friend.api.verification(ME);
    expect(shown).toBe(theirs.safety_number);
    await shoot(panel, 'conversation-18-safety-number');

    await panel.getByTestId('mark-verified').click();
    await panel.getByTestId('verified-state').waitFor();
    expect((await browser.api().friends())[0]).toMatchObject({ username: FRIEND, verified: true });
    await panel.keyboard.press('Escape');
    await panel.getByTestId('friend-details').waitFor({ state: 'detached' });
    expect(browser.pageErrors).toEqual([]);
  });
});

/** Moves the mouse off the messages, so hover-only actions do not show in screenshots. */
async function parkPointer(page: Page): Promise<void> {
  const size = page.viewportSize();
  await page.mouse.move(2, (size?.height ?? 600) - 2);
}

async function expectVisibleText(page: Page, text: string): Promise<void> {
  const bubble = bubbles(page).filter({ hasText: text });
  await bubble.scrollIntoViewIfNeeded();
  expect(await bubble.isVisible()).toBe(true);
}
