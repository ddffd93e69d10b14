/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE } from '../shared/contract.js';
import type { EventClient } from '../testkit/event-client.js';
import { swapKeyRecord } from '../native-host/test/support/swap-record.js';
import { eventually } from '../testkit/eventually.js';
import type { Testnet } from '../testkit/testnet.js';
import type { TestHost } from '../testkit/test-host.js';
import { BROWSER } from './support/browser-under-test.js';
import type { UiPage } from './support/driver.js';
import type { ParleyBrowser } from './support/parley-browser.js';
import { chatSetting } from './support/chat-setting.js';
import {
  attrOf, BUBBLES, countOf, isVisible, panelRead, ROWS, shoot, shootPanel, textOf, tid, waitForAttr, waitForPhase,
  waitForText, waitGone, waitVisible,
} from './support/ui.js';
import { defined } from '../shared/defined.js';

const ME = 'alice';
const FRIEND = 'bob';
/** A real side panel is about this size; below 720 px the chat replaces the contact list. */
const PANEL = { width: 400, height: 720 };
const WIDE = { width: 1040, height: 700 };
const POPUP = { width: 360, height: 560 };
/** More than one page of history, so the oldest need "load older". */
const SEEDED = DEFAULT_PAGE_SIZE + 12;

/**
 * The whole conversation a new user has, in the browser under test (the
 * same steps in Chromium and Firefox): onboarding, adding a friend, both
 * directions of messages with typing, receipts, unread counts and the
 * badge, the popup opening the real side panel, the friend going offline
 * and back, history paging, replying (and jumping to a quoted message),
 * reacting, editing, deleting for everyone and for me, searching and
 * opening a result, and verifying safety numbers.
 */
describe(`a full conversation in the side panel (${BROWSER})`, () => {
  let net: Testnet;
  let friend: TestHost;
  let friendEvents: EventClient | null = null;
  let browser: ParleyBrowser;
  let panel: UiPage;
  /** Every message between the two, as the browser's host should count them. */
  let total = 0;
  let mineId = '';
  /** The friend's first message, and the friend's messages seeded for paging. */
  let firstId = '';
  const seeded: string[] = [];
  /** The friend's question and our reply to it. */
  let askId = '';
  let replyId = '';
  const snap = (page: UiPage, name: string) => shoot(BROWSER, page, name);

  const setting = chatSetting(FRIEND, PANEL);
  beforeAll(() => {
    ({ net, friend, browser, panel } = setting);
  });

  afterAll(() => friendEvents?.close());

  async function openChat(): Promise<void> {
    await panel.click(tid(`contact-${FRIEND}`));
    await waitVisible(panel, tid('chat-view'));
    await parkPointer(panel);
  }

  async function backToList(): Promise<void> {
    await panel.click(tid('chat-back'));
    await waitVisible(panel, tid('contact-list'));
  }

  it('claims a username in onboarding', async () => {
    await waitForPhase(panel, 'onboarding');
    await snap(panel, 'conversation-01-onboarding');

    // A name someone already holds is refused inline.
    await panel.fill(tid('onboarding-username'), FRIEND);
    await panel.click(tid('onboarding-submit'));
    await waitForText(panel, tid('onboarding-error'), `“${FRIEND}” is taken. Try another name.`);
    await snap(panel, 'conversation-02-onboarding-taken');

    await panel.fill(tid('onboarding-username'), ME);
    await panel.click(tid('onboarding-submit'));
    // The recovery code, shown once: the app goes on only once the user says it is written down.
    await waitForPhase(panel, 'recovery-code');
    expect(await textOf(panel, tid('recovery-code'))).toMatch(/^(\s*[0-9A-HJKMNP-TV-Z]{4}){8}\s*$/);
    await snap(panel, 'conversation-03a-recovery-code');
    await panel.click(tid('recovery-written'));
    await panel.click(tid('recovery-done'));
    await waitForPhase(panel, 'ready');
    await waitForText(panel, tid('own-username'), ME);
    await waitVisible(panel, tid('contacts-empty'));
    await waitForAttr(panel, tid('connection-state'), 'data-state', 'online');
    expect((await browser.api().status()).username).toBe(ME);
    await snap(panel, 'conversation-03-no-friends');
  });

  it('adds a friend through the dialog, showing a 404 inline first', async () => {
    // The friend adds us too, so its host accepts our messages.
    await eventually(() => friend.api.addFriend(ME), 10_000, `${FRIEND} adding ${ME}`);
    friendEvents = await friend.events();
    // Their first message (their capabilities) waits as an introduction until we add them back.
    await waitVisible(panel, tid(`introduction-${FRIEND}`), 20_000);
    await snap(panel, 'conversation-03b-wants-to-chat');

    await panel.click(tid('add-friend-empty'));
    await waitVisible(panel, tid('add-friend-dialog'));
    await panel.fill(tid('add-friend-input'), 'nobody-here');
    await panel.click(tid('add-friend-submit'));
    await waitVisible(panel, tid('add-friend-error'));
    expect(await textOf(panel, tid('add-friend-error'))).toContain('No Parley user called “nobody-here”');
    await snap(panel, 'conversation-04-add-friend-unknown');

    await panel.fill(tid('add-friend-input'), FRIEND);
    await panel.click(tid('add-friend-submit'));
    await waitGone(panel, tid('add-friend-dialog'));
    // Adding opens the new chat.
    await waitVisible(panel, tid('chat-empty'));
    await parkPointer(panel);
    await waitForAttr(panel, tid(`presence-header-${FRIEND}`), 'data-online', 'true');
    await snap(panel, 'conversation-05-friend-added');
    expect((await browser.api().friends()).map((c) => c.username)).toEqual([FRIEND]);
  });

  it("shows the friend's message in the open chat", async () => {
    const sent = await friend.api.send(ME, 'Hi Alice! Did the keys check out?');
    firstId = sent.msg_id;
    total++;
    const bubble = tid(`message-${sent.msg_id}`);
    await waitVisible(panel, bubble, 20_000);
    expect(await attrOf(panel, bubble, 'data-direction')).toBe('received');
    expect(await textOf(panel, bubble)).toContain('Did the keys check out?');
    // Read on screen: the host learns it, and no unread count shows anywhere.
    const api = browser.api();
    await eventually(async () => (await api.messages(FRIEND)).messages.find((m) => m.msg_id === sent.msg_id)?.read, 10_000, 'the message marked read');
    await eventually(async () => (await browser.driver.badge()) === '', 10_000, 'an empty badge');
    expect(await countOf(panel, tid(`unread-${FRIEND}`))).toBe(0);
    await snap(panel, 'conversation-06-message-received');
  });

  it('counts a message as unread on the contact row and the toolbar badge while the chat is closed', async () => {
    await backToList();
    await friend.api.send(ME, 'Are you free later? There is a long thought here that should be cut in the preview line.');
    total++;
    await waitForText(panel, tid(`unread-${FRIEND}`), '1');
    await eventually(async () => (await browser.driver.badge()) === '1', 10_000, 'badge "1"');
    await snap(panel, 'conversation-07-unread');
  });

  it('the popup lists contacts with unread counts and opens the side panel', async () => {
    const popup = await browser.driver.open('popup', POPUP);
    await waitForPhase(popup, 'ready');
    await waitVisible(popup, tid('popup-root'));
    await waitForText(popup, tid(`unread-${FRIEND}`), '1');
    await waitForAttr(popup, tid(`presence-${FRIEND}`), 'data-online', 'true');
    await snap(popup, 'popup-01-unread');

    // The click is a real user gesture: Chromium opens its side panel, Firefox its sidebar.
    const real = await browser.driver.openPanelFrom(popup, tid('open-side-panel'));
    try {
      await eventually(async () => (await panelRead.attr(real, tid('app-root'), 'data-phase')) === 'ready', 15_000, 'the real side panel to be ready');
      await eventually(async () => (await panelRead.text(real, tid(`unread-${FRIEND}`))) === '1', 10_000, 'the unread count in the real side panel');
      await shootPanel(BROWSER, real, 'popup-02-opened-side-panel');
    } finally {
      await real.close();
    }
    // A failed open would show an alert; opened from a tab, the popup page stays.
    expect(await countOf(popup, '[role="alert"]')).toBe(0);
    expect(popup.isClosed()).toBe(false);
    await popup.close();
  });

  it('sends with Enter and the friend receives it', async () => {
    await openChat();
    await waitGone(panel, tid(`unread-${FRIEND}`));
    const input = tid('composer-input');
    await panel.type(input, 'Hello Bob', 20);
    // Typing in the composer reaches the friend's host.
    await defined(friendEvents).waitFor('typing', (t) => t.username === ME && t.typing);
    await panel.type(input, ', see you at 6!', 5);
    await panel.press(input, 'Enter');
    total++;

    const mine = await bubbleWith(panel, 'Hello Bob, see you at 6!');
    mineId = mine.id;
    await waitForAttr(panel, mine.selector, 'data-direction', 'sent');
    await waitForAttr(panel, mine.selector, 'data-status', 'delivered');
    expect(await attrOf(panel, mine.selector, 'data-method')).toBe('direct');
    expect(await panel.evaluate((sel) => (document.querySelector(sel) as HTMLTextAreaElement).value, input)).toBe('');

    const got = await eventually(async () => (await friend.api.messages(ME)).messages.find((m) => m.msg_id === mineId), 10_000, 'the friend to store it');
    expect(got).toMatchObject({ text: 'Hello Bob, see you at 6!', direction: 'received', from: ME });
    await snap(panel, 'conversation-08-sent');

    // The friend reading it comes back as a read receipt.
    defined(friendEvents).send({ event: 'mark_read', data: { peer: ME, msg_id: mineId } });
    await waitForAttr(panel, tid(`message-${mineId}`), 'data-status', 'read');
    await snap(panel, 'conversation-08b-read');

    await panel.setViewport(WIDE);
    await waitVisible(panel, tid('contact-list'));
    expect(await isVisible(panel, tid('chat-back'))).toBe(false);
    await snap(panel, 'conversation-09-wide');
    await panel.setViewport(PANEL);
  });

  it("shows the friend's typing indicator", async () => {
    const indicator = tid('typing-indicator');
    // Typing is relayed over the live peer session; repeat it the way a typing client does.
    await eventually(async () => {
      defined(friendEvents).send({ event: 'typing', data: { to: ME, typing: true } });
      return waitVisible(panel, indicator, 1_000).then(() => true, () => false);
    }, 15_000, 'the typing indicator');
    await waitForText(panel, tid('chat-presence'), 'typing…');
    await snap(panel, 'conversation-10-typing');
    defined(friendEvents).send({ event: 'typing', data: { to: ME, typing: false } });
    await waitGone(panel, indicator);
  });

  it('shows the friend going offline, and a message sent then as stored offline', async () => {
    defined(friendEvents).close();
    friendEvents = null;
    await friend.stop();
    await waitForAttr(panel, tid(`presence-header-${FRIEND}`), 'data-online', 'false', 20_000);
    await waitForAttr(panel, tid(`presence-${FRIEND}`), 'data-online', 'false');
    await snap(panel, 'conversation-11-friend-offline');

    const input = tid('composer-input');
    await panel.fill(input, 'Ping me when you are back');
    await panel.press(input, 'Enter');
    total++;
    const waiting = await bubbleWith(panel, 'Ping me when you are back');
    await waitForAttr(panel, waiting.selector, 'data-status', 'stored');
    expect(await attrOf(panel, waiting.selector, 'data-method')).toBe('offline');
    await snap(panel, 'conversation-12-stored-offline');
  });

  it('marks the stored message delivered once the friend returns', async () => {
    friend = await net.restart(friend);
    const waiting = await bubbleWith(panel, 'Ping me when you are back');
    await waitForAttr(panel, waiting.selector, 'data-status', 'delivered', 30_000);
    await waitForAttr(panel, tid(`presence-header-${FRIEND}`), 'data-online', 'true', 20_000);
    const got = (await friend.api.messages(ME)).messages.find((m) => m.msg_id === waiting.id);
    expect(got?.text).toBe('Ping me when you are back');
    await snap(panel, 'conversation-13-delivered-after-return');
  });

  it('loads older messages when scrolled to the top', async () => {
    await backToList();
    for (let i = 1; i <= SEEDED; i++) seeded.push((await friend.api.send(ME, `Catching up, message ${i} of ${SEEDED}`)).msg_id);
    total += SEEDED;
    const api = browser.api();
    await eventually(async () => (await api.messages(FRIEND, { limit: 1 })).total === total, 30_000, `${total} messages on our host`);
    await waitForText(panel, tid(`unread-${FRIEND}`), String(SEEDED));
    await snap(panel, 'conversation-14-many-unread');

    // A fresh page load opens the chat at its first unread message; the
    // virtual list renders only rows near the view, each carrying its place
    // in the whole chat.
    await panel.reload();
    await waitForPhase(panel, 'ready');
    await openChat();
    await waitVisible(panel, tid('unread-divider'));
    const divider = `${ROWS}:has(${tid('unread-divider')})`;
    expect(await attrOf(panel, divider, 'aria-posinset')).toBe(String(total - SEEDED + 1));
    expect(await attrOf(panel, divider, 'aria-setsize')).toBe(String(total));
    await snap(panel, 'conversation-15-newest-page');

    const firstPos = () => attrOf(panel, ROWS, 'aria-posinset');
    await eventually(async () => {
      await panel.evaluate((sel) => {
        const list = document.querySelector(sel);
        if (!list) throw new Error(`no ${sel}`);
        list.scrollTo({ top: 0 });
      }, tid('chat-messages'));
      return (await firstPos()) === '1';
    }, 20_000, 'the first message of the chat rendered at the top');
    await waitGone(panel, tid('load-older'));
    expect(await scrolledIntoView(panel, 'Hi Alice! Did the keys check out?')).toBe(true);
    await snap(panel, 'conversation-16-older-loaded');
  });

  it('replies to a message from the composer; the friend gets the reply with its quote', async () => {
    const ask = await friend.api.send(ME, 'Shall we see the new exhibition on Saturday?');
    askId = ask.msg_id;
    total++;
    await showLatest(panel);
    const asked = tid(`message-${askId}`);
    await waitVisible(panel, asked, 20_000);
    await hoverOver(panel, asked);
    await panel.click(`${asked} ${tid('reply-button')}`);
    await waitVisible(panel, tid('composer-reply'));
    expect(await textOf(panel, tid('composer-reply'))).toContain('new exhibition');
    await panel.type(tid('composer-input'), 'Yes! Morning or afternoon?', 5);
    await parkPointer(panel);
    await snap(panel, 'conversation-17-replying');

    await panel.press(tid('composer-input'), 'Enter');
    total++;
    const reply = await bubbleWith(panel, 'Yes! Morning or afternoon?');
    replyId = reply.id;
    await waitGone(panel, tid('composer-reply'));
    await waitForText(panel, `${reply.selector} ${tid('reply-quote')} .snippet`, 'Shall we see the new exhibition on Saturday?');
    const got = await eventually(async () => (await friend.api.messages(ME)).messages.find((m) => m.msg_id === replyId), 10_000, 'the reply at the friend');
    expect(got.reply_to).toBe(askId);
    await snap(panel, 'conversation-18-replied');
  });

  it('jumps from a quote to the original far up the chat, loading it', async () => {
    const back = await friend.api.send(ME, 'Back to this: yes, the keys checked out.', { replyTo: firstId });
    total++;
    // A fresh page holds only the newest page of the chat: the original is not loaded.
    await panel.reload();
    await waitForPhase(panel, 'ready');
    await openChat();
    const quote = `${tid(`message-${back.msg_id}`)} ${tid('reply-quote')}`;
    await waitForText(panel, `${quote} .snippet`, 'Hi Alice! Did the keys check out?', 20_000);
    expect(await countOf(panel, tid(`message-${firstId}`))).toBe(0);
    await panel.click(quote);
    const original = `${ROWS}:has(${tid(`message-${firstId}`)})`;
    await waitVisible(panel, original);
    await parkPointer(panel);
    // At once, while the opened message is still highlighted (the accessibility check in snap takes a while).
    expect(await attrOf(panel, original, 'class')).toContain('row--flash');
    await snap(panel, 'conversation-19-quote-jump');
    expect(await attrOf(panel, original, 'aria-posinset')).toBe('1');
    expect(await insideList(panel, tid(`message-${firstId}`))).toBe(true);
  });

  it('reacts from the keyboard through the picker, and sees the friend react back', async () => {
    await showLatest(panel);
    const asked = tid(`message-${askId}`);
    await waitVisible(panel, asked, 20_000);
    await hoverOver(panel, asked);
    await panel.click(`${asked} ${tid('react-button')}`);
    await waitVisible(panel, tid('reaction-picker'));
    await snap(panel, 'conversation-20-react-picker');
    // Focus starts on the first reaction; the arrow key moves to the second (❤️), Enter picks it.
    await panel.press(null, 'ArrowRight');
    await panel.press(null, 'Enter');
    await waitGone(panel, tid('reaction-picker'));
    await waitForAttr(panel, `${asked} ${tid('reaction-chip')}[data-emoji="❤️"]`, 'aria-pressed', 'true');
    await eventually(
      async () => (await friend.api.messages(ME)).messages.find((m) => m.msg_id === askId)?.reactions.some((r) => r.emoji === '❤️' && r.from === ME),
      10_000,
      'the reaction at the friend',
    );
    await friend.api.react(replyId, '😂');
    await waitForAttr(panel, `${tid(`message-${replyId}`)} ${tid('reaction-chip')}[data-emoji="😂"]`, 'aria-pressed', 'false');
    await parkPointer(panel);
    await snap(panel, 'conversation-21-reactions');
  });

  it('edits a sent message in the composer; the friend sees the new text, marked edited', async () => {
    const mine = tid(`message-${replyId}`);
    await hoverOver(panel, mine);
    await panel.click(`${mine} ${tid('more-button')}`);
    await waitVisible(panel, tid('message-menu'));
    await panel.click(tid('menu-edit'));
    await waitVisible(panel, tid('composer-edit'));
    await panel.fill(tid('composer-input'), 'Yes! The afternoon works best for me.');
    await parkPointer(panel);
    await snap(panel, 'conversation-22-editing');
    await panel.press(tid('composer-input'), 'Enter');
    await waitVisible(panel, `${mine} ${tid('edited-mark')}`);
    expect(await textOf(panel, mine)).toContain('The afternoon works best for me.');
    const theirs = await eventually(
      async () => (await friend.api.messages(ME)).messages.find((m) => m.msg_id === replyId && m.edited_at !== null),
      10_000,
      'the edit at the friend',
    );
    expect(theirs).toMatchObject({ text: 'Yes! The afternoon works best for me.', reply_to: askId });
    await snap(panel, 'conversation-23-edited');
  });

  it('deletes a message for everyone; a message the friend deletes turns into a tombstone too', async () => {
    await panel.fill(tid('composer-input'), 'Oops, that was meant for someone else');
    await panel.press(tid('composer-input'), 'Enter');
    total++;
    const oops = await bubbleWith(panel, 'Oops, that was meant for someone else');
    await waitForAttr(panel, oops.selector, 'data-status', 'delivered');
    await hoverOver(panel, oops.selector);
    await panel.click(`${oops.selector} ${tid('more-button')}`);
    await panel.click(tid('menu-delete'));
    await waitVisible(panel, tid('delete-dialog'));
    await snap(panel, 'conversation-24-delete-dialog');
    await panel.click(tid('delete-for-everyone'));
    await waitGone(panel, tid('delete-dialog'));
    await waitForAttr(panel, oops.selector, 'data-deleted', 'true');
    expect(await textOf(panel, `${oops.selector} ${tid('message-deleted')}`)).toBe('You deleted this message');
    await eventually(async () => (await friend.api.messages(ME)).messages.find((m) => m.msg_id === oops.id)?.deleted, 10_000, 'the deletion at the friend');

    const slip = await friend.api.send(ME, 'Ignore this, wrong photo');
    total++;
    await waitVisible(panel, tid(`message-${slip.msg_id}`), 20_000);
    await friend.api.deleteMessage(slip.msg_id, { forEveryone: true });
    await waitForAttr(panel, tid(`message-${slip.msg_id}`), 'data-deleted', 'true');
    expect(await textOf(panel, `${tid(`message-${slip.msg_id}`)} ${tid('message-deleted')}`)).toBe('This message was deleted');
    await waitForAttr(panel, ROWS, 'aria-setsize', String(total));
    await parkPointer(panel);
    await snap(panel, 'conversation-25-deleted-for-everyone');
  });

  it('searches messages from the contact list and opens a result in its chat', async () => {
    await backToList();
    await panel.fill(tid('contact-search'), 'catching 7');
    const target = defined(seeded[6]);
    const hit = tid(`search-hit-${target}`);
    await waitVisible(panel, hit, 10_000);
    expect(await countOf(panel, `${tid('search-hits')} li`)).toBe(1);
    expect(await textOf(panel, `${hit} mark`)).toBe('Catching');
    await snap(panel, 'conversation-26-search');
    await panel.click(hit);
    const row = `${ROWS}:has(${tid(`message-${target}`)})`;
    await waitVisible(panel, row);
    await parkPointer(panel);
    await snap(panel, 'conversation-27-search-result');
    expect(await attrOf(panel, row, 'class')).toContain('row--flash');
    expect(await insideList(panel, tid(`message-${target}`))).toBe(true);
    const all = (await browser.api().messages(FRIEND, { limit: 500 })).messages;
    expect(await attrOf(panel, row, 'aria-posinset')).toBe(String(all.findIndex((m) => m.msg_id === target) + 1));
  });

  it('deletes a message for me: from the chat and from the host, the friend keeps it', async () => {
    const mine = tid(`message-${mineId}`);
    await hoverOver(panel, mine);
    await snap(panel, 'conversation-28-delete-hover');
    await panel.click(`${mine} ${tid('more-button')}`);
    await panel.click(tid('menu-delete'));
    await panel.click(tid('delete-for-me'));
    await waitGone(panel, mine);
    await waitForAttr(panel, ROWS, 'aria-setsize', String(total - 1));
    const left = await browser.api().messages(FRIEND, { limit: 500 });
    expect(left.messages.some((m) => m.msg_id === mineId)).toBe(false);
    expect(left.total).toBe(total - 1);
    expect((await friend.api.messages(ME, { limit: 500 })).messages.some((m) => m.msg_id === mineId)).toBe(true);
  });

  it('shows the same safety number as the friend and marks them verified', async () => {
    await panel.click(tid('chat-details-button'));
    await waitVisible(panel, tid('safety-number'));
    const shown = await safetyNumberShown(panel);
    const theirs = await friend.api.verification(ME);
    expect(shown).toBe(theirs.safety_number);
    await snap(panel, 'conversation-29-safety-number');

    await panel.click(tid('mark-verified'));
    await waitVisible(panel, tid('verified-state'));
    expect((await browser.api().friends())[0]).toMatchObject({ username: FRIEND, verified: true });
    await panel.press(null, 'Escape');
    await waitGone(panel, tid('friend-details'));
  });

  it('shows the new safety number when the directory swaps the keys while it is open, and verifies only that one', async () => {
    await panel.click(tid('chat-details-button'));
    await waitVisible(panel, tid('safety-number'));
    const compared = await safetyNumberShown(panel);

    // The (untrusted) directory starts serving other, validly self-signed keys for the friend.
    const swapped = swapKeyRecord(net.directoryPath, FRIEND);
    const fresh = await eventually(async () => {
      const now = await safetyNumberShown(panel);
      return now && now !== compared ? now : null;
    }, 15_000, 'the dialog to show the new safety number');
    expect(fresh).toBe((await browser.api().verification(FRIEND)).safety_number);
    await waitVisible(panel, `${tid('friend-details')} [role="alert"]`);
    expect(await isVisible(panel, tid('verified-state'))).toBe(false);
    await snap(panel, 'conversation-19-safety-number-changed');

    await panel.click(tid('mark-verified'));
    await waitVisible(panel, tid('verified-state'));
    // What got pinned is what the user was shown when they clicked: the new keys.
    expect((await browser.api().friends())[0]).toMatchObject({ verified: true, key_changed: false, public_key: swapped.publicKey });
    await panel.press(null, 'Escape');
    await waitGone(panel, tid('friend-details'));
    expect(browser.driver.pageErrors).toEqual([]);
  });
});

/** Brings the newest messages into view, when the chat shows an older part. */
async function showLatest(page: UiPage): Promise<void> {
  if (await isVisible(page, tid('jump-latest'))) await page.click(tid('jump-latest'));
  await waitGone(page, tid('jump-latest'));
}

/** Scrolls a bubble to the middle of the list and puts the pointer on it, showing its actions. */
async function hoverOver(page: UiPage, selector: string): Promise<void> {
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no ${sel}`);
    el.scrollIntoView({ block: 'center' });
  }, selector);
  await page.hover(selector);
}

/** Whether the element is wholly inside the message list's box, as the reader sees it. */
function insideList(page: UiPage, selector: string): Promise<boolean> {
  return page.evaluate(({ selector, list }) => {
    const el = document.querySelector(selector);
    if (!el) return false;
    const listEl = document.querySelector(list);
    if (!listEl) throw new Error(`no ${list}`);
    const b = el.getBoundingClientRect();
    const l = listEl.getBoundingClientRect();
    return b.height > 0 && b.top >= l.top && b.bottom <= l.bottom;
  }, { selector, list: tid('chat-messages') });
}

/** The safety number the details dialog shows, its groups joined by spaces. */
function safetyNumberShown(page: UiPage): Promise<string> {
  return page.evaluate(
    (sel) => [...document.querySelectorAll(`${sel} span`)].map((s) => (s as HTMLElement).innerText).join(' '),
    tid('safety-number'),
  );
}

/** Moves the mouse off the messages, so hover-only actions do not show in screenshots. */
async function parkPointer(page: UiPage): Promise<void> {
  await page.movePointer(2, page.viewport().height - 2);
}

/**
 * The newest bubble showing `text` once the host has accepted it: a message
 * being sent shows at once under a local id, replaced by the host's msg_id.
 */
async function bubbleWith(page: UiPage, text: string): Promise<{ id: string; selector: string }> {
  const testId = await eventually(() => page.evaluate(({ all, text }) => {
    const found = [...document.querySelectorAll(all)].filter((el) => el.textContent?.includes(text));
    const id = found.at(-1)?.getAttribute('data-testid') ?? null;
    return id?.startsWith('message-local-') ? null : id;
  }, { all: BUBBLES, text }), 15_000, `a bubble with "${text}" accepted by the host`);
  return { id: testId.replace(/^message-/, ''), selector: tid(testId) };
}

/** Scrolls the bubble showing `text` into view; true when it is then inside the message list's box. */
function scrolledIntoView(page: UiPage, text: string): Promise<boolean> {
  return page.evaluate(({ all, list, text }) => {
    const bubble = [...document.querySelectorAll(all)].find((el) => el.textContent?.includes(text));
    if (!bubble) return false;
    bubble.scrollIntoView({ block: 'center' });
    const listEl = document.querySelector(list);
    if (!listEl) throw new Error(`no ${list}`);
    const b = bubble.getBoundingClientRect();
    const l = listEl.getBoundingClientRect();
    return b.height > 0 && b.top >= l.top && b.bottom <= l.bottom;
  }, { all: BUBBLES, list: tid('chat-messages'), text });
}
