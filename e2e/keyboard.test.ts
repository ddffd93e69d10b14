/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../testkit/eventually.js';
import type { TestHost } from '../testkit/test-host.js';
import { BROWSER } from './support/browser-under-test.js';
import type { UiPage } from './support/driver.js';
import type { ParleyBrowser } from './support/parley-browser.js';
import { chatSetting } from './support/chat-setting.js';
import { shoot, textOf, tid, waitForAttr, waitForPhase, waitForText, waitGone, waitVisible } from './support/ui.js';

const ME = 'alice';
const FRIEND = 'bob';
const PANEL = { width: 400, height: 720 };

interface Focus {
  /** data-testid of the focused element, 'message-bubble' for a message, else its tag and role. */
  id: string;
  /** Inside this data-testid (the nearest ancestor that has one). */
  within: string | null;
  /** Matches :focus-visible and draws an outline or a ring. */
  visible: boolean;
}

/** Runs in the page: what has the focus, and whether the user can see it. */
function focusNow(): Focus {
  const el = document.activeElement;
  if (!el || el === document.body) return { id: 'body', within: null, visible: false };
  const style = getComputedStyle(el);
  const drawn = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  return {
    id: el.getAttribute('data-testid') ?? (el.classList.contains('bubble') ? 'message-bubble' : `${el.tagName.toLowerCase()}[role=${el.getAttribute('role') ?? ''}]`),
    within: el.parentElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? null,
    visible: el.matches(':focus-visible') && drawn,
  };
}

/**
 * The whole path from a new install to deleting a message with the
 * keyboard alone (Tab, Shift+Tab, Enter, Space, arrows, Escape): after
 * each step the focus is where a keyboard user expects it, and visible.
 */
describe(`keyboard only (${BROWSER})`, () => {
  let friend: TestHost;
  let browser: ParleyBrowser;
  let panel: UiPage;

  const focus = () => panel.evaluate(focusNow);
  async function expectFocus(id: string): Promise<Focus> {
    const now = await focus();
    expect(now.id).toBe(id);
    expect(now.visible, `focus ring on ${id}`).toBe(true);
    return now;
  }
  /** Presses `key` until `id` has the focus (at most `max` times; none when it has it already). */
  async function pressTo(key: string, id: string, max = 12): Promise<void> {
    if ((await focus()).id === id) return;
    for (let i = 0; i < max; i++) {
      await panel.press(null, key);
      if ((await focus()).id === id) return;
    }
    throw new Error(`${key} never reached ${id} (ended on ${(await focus()).id})`);
  }
  /** From the composer, Shift+Tab to the newest message and Tab to one of its actions. */
  async function toAction(action: string): Promise<void> {
    await pressTo('Shift+Tab', 'message-bubble', 10);
    expect((await focus()).visible, 'focus ring on the message').toBe(true);
    await pressTo('Tab', action, 5);
    await expectFocus(action);
  }

  const setting = chatSetting(FRIEND, PANEL);
  beforeAll(() => {
    ({ friend, browser, panel } = setting);
  });

  it('claims a name: the field has the focus, the recovery step is reached by Tab and Space', async () => {
    await waitForPhase(panel, 'onboarding');
    expect((await focus()).id).toBe('onboarding-username');
    await panel.keys(ME);
    await panel.press(null, 'Enter');
    await waitForPhase(panel, 'recovery-code');
    await pressTo('Tab', 'recovery-written');
    await expectFocus('recovery-written');
    await panel.press(null, 'Space');
    await pressTo('Tab', 'recovery-done', 2);
    await expectFocus('recovery-done');
    await panel.press(null, 'Enter');
    await waitForPhase(panel, 'ready');
  });

  it('opens and closes the add-friend dialog, then adds the friend back; the chat opens with the focus in the composer', async () => {
    await eventually(() => friend.api.addFriend(ME), 10_000, `${FRIEND} adding ${ME}`);
    await waitVisible(panel, tid(`introduction-add-${FRIEND}`), 20_000);
    await pressTo('Tab', 'add-friend-button');
    await expectFocus('add-friend-button');
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('add-friend-dialog'));
    await expectFocus('add-friend-input');
    await panel.press(null, 'Escape');
    await waitGone(panel, tid('add-friend-dialog'));
    // Closing gives the focus back to what opened the dialog.
    await expectFocus('add-friend-button');
    await pressTo('Tab', `introduction-add-${FRIEND}`);
    await expectFocus(`introduction-add-${FRIEND}`);
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('chat-view'));
    await waitForText(panel, tid('chat-presence'), 'online', 20_000).catch(() => {});
    expect((await focus()).id).toBe('composer-input');
  });

  it('announces an incoming message without taking the focus, and sends with Enter', async () => {
    const incoming = await friend.api.send(ME, 'Can you read me with the keyboard?');
    await waitVisible(panel, tid(`message-${incoming.msg_id}`), 20_000);
    expect(await panel.evaluate((sel) => document.querySelector(sel)?.getAttribute('aria-live') ?? null, tid('chat-announcer'))).toBe('polite');
    await waitForText(panel, tid('chat-announcer'), `${FRIEND}: Can you read me with the keyboard?`);
    expect((await focus()).id).toBe('composer-input');
    await panel.keys('Loud and clear');
    await panel.press(null, 'Enter');
    await eventually(async () => (await friend.api.messages(ME)).messages.some((m) => m.text === 'Loud and clear'), 10_000, 'the message at the friend');
    expect((await focus()).id).toBe('composer-input');
    await shoot(BROWSER, panel, 'keyboard-01-sent');
  });

  it('replies through the message actions', async () => {
    await toAction('reply-button');
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('composer-reply'));
    expect((await focus()).id).toBe('composer-input');
    await panel.keys('And this is a reply');
    await panel.press(null, 'Enter');
    await eventually(async () => (await friend.api.messages(ME)).messages.some((m) => m.text === 'And this is a reply' && m.reply_to !== null), 10_000, 'the reply at the friend');
    await waitGone(panel, tid('composer-reply'));
  });

  it('reacts through the picker with the arrow keys; the focus comes back', async () => {
    await toAction('react-button');
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('reaction-picker'));
    const first = await expectFocus('reaction-option');
    expect(first.within).toBe('reaction-picker');
    await panel.press(null, 'ArrowRight');
    await panel.press(null, 'Enter');
    await waitGone(panel, tid('reaction-picker'));
    await waitVisible(panel, `${tid('reaction-chip')}[data-emoji="❤️"]`);
    await expectFocus('react-button');
    await shoot(BROWSER, panel, 'keyboard-02-reacted');
  });

  it('edits through the menu: arrows to Edit, End, more text, Enter', async () => {
    await pressTo('Tab', 'more-button', 5);
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('message-menu'));
    expect((await focus()).within).toBe('message-menu');
    await pressTo('ArrowDown', 'menu-edit', 6);
    await expectFocus('menu-edit');
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('composer-edit'));
    expect((await focus()).id).toBe('composer-input');
    await panel.press(null, 'End');
    await panel.keys(', edited');
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('edited-mark'));
    expect(await textOf(panel, `[data-testid^="message-"]:has(${tid('edited-mark')})`)).toContain('And this is a reply, edited');
  });

  it('deletes through the menu and dialog: Escape closes the dialog, then delete for everyone', async () => {
    // Saving the edit leaves the focus in the composer.
    expect((await focus()).id).toBe('composer-input');
    await toAction('more-button');
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('message-menu'));
    await pressTo('ArrowDown', 'menu-delete', 6);
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('delete-dialog'));
    expect((await focus()).within).toBe('delete-dialog');
    await shoot(BROWSER, panel, 'keyboard-03-delete-dialog');
    await panel.press(null, 'Escape');
    await waitGone(panel, tid('delete-dialog'));
    // The menu item that opened it is gone: the focus goes back to the message, not to <body>.
    await expectFocus('message-bubble');

    await pressTo('Tab', 'composer-input', 30);
    await toAction('more-button');
    await panel.press(null, 'Enter');
    await pressTo('ArrowDown', 'menu-delete', 6);
    await panel.press(null, 'Enter');
    await waitVisible(panel, tid('delete-dialog'));
    // Tab goes round inside the dialog, never to the page behind it.
    for (let i = 0; i < 5; i++) {
      await panel.press(null, 'Tab');
      expect((await focus()).within).toBe('delete-dialog');
    }
    await pressTo('Tab', 'delete-for-everyone', 4);
    await expectFocus('delete-for-everyone');
    await panel.press(null, 'Enter');
    await waitGone(panel, tid('delete-dialog'));
    await waitForAttr(panel, `[data-testid^="message-"][data-deleted="true"]`, 'data-deleted', 'true');
    // The tombstone keeps the focus.
    expect((await focus()).id).toBe('message-bubble');
    expect(browser.driver.pageErrors).toEqual([]);
  });
});
