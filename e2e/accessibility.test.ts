/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../testkit/eventually.js';
import type { TestHost } from '../testkit/test-host.js';
import { BROWSER } from './support/browser-under-test.js';
import type { UiPage } from './support/driver.js';
import type { ParleyBrowser } from './support/parley-browser.js';
import { chatSetting } from './support/chat-setting.js';
import { attrOf, claimName, ROWS, shoot, tid, waitVisible } from './support/ui.js';
import { clippedText, setTabZoom } from './support/zoom.js';

const ME = 'alice';
const FRIEND = 'bob';
const PANEL = { width: 400, height: 720 };
/**
 * The toolbar popup sizes itself to its 360 CSS px body, so at 200 % the
 * browser gives it 720 device pixels (popups may be up to 800 × 600): the
 * tab standing in for it gets that window.
 */
const POPUP_AT_200 = { width: 720, height: 600 };

/**
 * What the axe checks at every shot cannot see: motion when the system asks
 * for less, and the browser's own zoom at 200 % (WCAG 1.4.4), where text must
 * neither run off the side nor be cut.
 */
describe(`reduced motion and 200 % zoom (${BROWSER})`, () => {
  let friend: TestHost;
  let browser: ParleyBrowser;
  let panel: UiPage;
  let questionId = '';
  let replyId = '';

  const setting = chatSetting(FRIEND, PANEL);
  beforeAll(() => {
    ({ friend, browser, panel } = setting);
  });

  it('sets up a chat with a quoted reply in it', async () => {
    await claimName(panel, ME);
    await eventually(() => friend.api.addFriend(ME), 10_000, `${FRIEND} adding ${ME}`);
    await waitVisible(panel, tid(`introduction-add-${FRIEND}`), 20_000);
    await panel.click(tid(`introduction-add-${FRIEND}`));
    await waitVisible(panel, tid('chat-view'));
    questionId = (await friend.api.send(ME, 'Are we still on for the long walk along the river on Saturday morning?')).msg_id;
    replyId = (await friend.api.send(ME, 'Bring the map, the big one with the trails on it.', { replyTo: questionId })).msg_id;
    await waitVisible(panel, `${tid(`message-${replyId}`)} ${tid('reply-quote')}`, 20_000);
  });

  it('turns animations and transitions off when the system asks for reduced motion', async (ctx) => {
    // Puppeteer emulates media features over CDP only; Firefox's BiDi has no such command.
    if (!(await panel.emulateReducedMotion(false))) ctx.skip();
    const quote = `${tid(`message-${replyId}`)} ${tid('reply-quote')}`;
    const original = `${ROWS}:has(${tid(`message-${questionId}`)})`;
    const flashAnimation = () => panel.evaluate((sel) => {
      const el = document.querySelector(sel);
      return el ? getComputedStyle(el).animationName : null;
    }, original);

    // With motion allowed, jumping to a quoted message flashes it: the control that shows the check can fail.
    await panel.click(quote);
    expect(await attrOf(panel, original, 'class')).toContain('row--flash');
    expect(await flashAnimation()).toMatch(/^flash/);

    await panel.emulateReducedMotion(true);
    expect(await panel.evaluate(() => matchMedia('(prefers-reduced-motion: reduce)').matches)).toBe(true);
    await panel.click(quote);
    expect(await attrOf(panel, original, 'class')).toContain('row--flash');
    expect(await flashAnimation()).toBe('none');
    const moving = await panel.evaluate(() => [...document.querySelectorAll('*')].flatMap((el) => {
      const s = getComputedStyle(el);
      const durations = `${s.transitionDuration},${s.animationDuration}`.split(',').map((d) => parseFloat(d));
      return s.animationName !== 'none' || durations.some((d) => d > 0) || s.scrollBehavior === 'smooth'
        ? [`${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`]
        : [];
    }));
    expect(moving).toEqual([]);
    await panel.emulateReducedMotion(false);
  });

  it('shows the side-panel chat at 200 % zoom without text running off or cut', async () => {
    const zoomed = await panel.evaluate(setTabZoom, 2);
    expect(zoomed.zoom).toBe(2);
    // The zoom is real: the page has half the CSS pixels it had.
    expect(zoomed.innerWidth).toBe(PANEL.width / 2);
    await waitVisible(panel, tid('chat-view'));
    await shoot(BROWSER, panel, 'zoom-200-sidepanel-chat');
    expect(zoomed.scrollWidth).toBeLessThanOrEqual(zoomed.clientWidth);
    expect(await panel.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    expect(await panel.evaluate(clippedText)).toEqual([]);
  });

  it('shows the popup at 200 % zoom without text running off or cut', async () => {
    const popup = await browser.driver.open('popup', POPUP_AT_200);
    await waitVisible(popup, tid(`contact-${FRIEND}`));
    const zoomed = await popup.evaluate(setTabZoom, 2);
    expect(zoomed.zoom).toBe(2);
    expect(zoomed.innerWidth).toBe(POPUP_AT_200.width / 2);
    await shoot(BROWSER, popup, 'zoom-200-popup');
    expect(await popup.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth)).toBe(true);
    expect(await popup.evaluate(clippedText)).toEqual([]);
    await popup.close();
    expect(browser.driver.pageErrors).toEqual([]);
  });
});
