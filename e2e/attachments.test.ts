/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../shared/api-client.js';
import type { Attachment } from '../shared/contract.js';
import { contentHash } from '../native-host/src/crypto/content-hash.js';
import { eventually } from '../testkit/eventually.js';
import { Testnet } from '../testkit/testnet.js';
import { BROWSER } from './support/browser-under-test.js';
import type { UiPage } from './support/driver.js';
import { ParleyBrowser } from './support/parley-browser.js';
import { gradientPng } from './support/png.js';
import { claimName, shoot, tid, waitForAttr, waitGone, waitVisible } from './support/ui.js';

const PANEL = { width: 400, height: 720 };
/** The root element of every attachment shown in the open chat. */
const ATTACHMENTS = `${tid('chat-messages')} [data-testid^="attachment-"][data-kind]`;
const PICTURE = { width: 640, height: 400 };

interface PageFile {
  name: string;
  type: string;
  base64: string;
}

/**
 * Two people, each in their own browser with the extension and the host it
 * starts: one attaches a picture with the button, the other sees the
 * thumbnail made from the bytes and opens it full size; a file dropped on
 * the chat is downloaded on the other side; a pasted picture goes too; and
 * an SVG dressed up as a PNG stays a file. The same steps in Chromium and
 * Firefox, screenshots in both themes.
 */
describe(`files and pictures between two people (${BROWSER})`, () => {
  let net: Testnet;
  let alice: ParleyBrowser;
  let bob: ParleyBrowser;
  let alicePanel: UiPage;
  let bobPanel: UiPage;
  const picture = gradientPng(PICTURE.width, PICTURE.height);
  const snap = (page: UiPage, name: string) => shoot(BROWSER, page, name);

  beforeAll(async () => {
    net = new Testnet();
    alice = await ParleyBrowser.launch({ browser: BROWSER, root: path.join(net.root, 'alice'), directoryPath: net.directoryPath });
    bob = await ParleyBrowser.launch({ browser: BROWSER, root: path.join(net.root, 'bob'), directoryPath: net.directoryPath });
    alicePanel = await alice.driver.open('sidepanel', PANEL);
    bobPanel = await bob.driver.open('sidepanel', PANEL);
  });

  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await net?.close();
  });

  async function openChat(page: UiPage, friend: string): Promise<void> {
    await page.click(tid(`contact-${friend}`));
    await waitVisible(page, tid('chat-view'));
    await page.movePointer(2, page.viewport().height - 2);
  }

  /** The attachments of the newest message with attachments, as the host has them. */
  async function lastAttachments(api: ApiClient, peer: string): Promise<Attachment[]> {
    const page = await api.messages(peer, { limit: 50 });
    return page.messages.filter((m) => m.attachments.length > 0).at(-1)?.attachments ?? [];
  }

  it('both claim a name and add each other', async () => {
    await claimName(alicePanel, 'alice');
    await claimName(bobPanel, 'bob');
    await alice.api().addFriend('bob');
    await bob.api().addFriend('alice');
    await waitVisible(alicePanel, tid('contact-bob'));
    await waitVisible(bobPanel, tid('contact-alice'));
    await openChat(alicePanel, 'bob');
    await openChat(bobPanel, 'alice');
    await waitForAttr(alicePanel, tid('presence-header-bob'), 'data-online', 'true', 20_000);
  });

  it('alice attaches a picture with the attach button and sends it with a line of text', async () => {
    const file = path.join(net.root, 'office view.png');
    fs.writeFileSync(file, picture);
    await alicePanel.setFiles(tid('attach-input'), [file]);
    await waitVisible(alicePanel, tid('composer-file'));
    await eventually(() => imageShown(alicePanel, `${tid('composer-file')} img`), 10_000, 'the picked picture in the composer');
    await snap(alicePanel, 'attachments-01-picked');

    await alicePanel.type(tid('composer-input'), 'The view from the office', 5);
    await alicePanel.press(tid('composer-input'), 'Enter');
    await waitGone(alicePanel, tid('composer-file'));
    const sent = await eventually(async () => (await lastAttachments(alice.api(), 'bob'))[0], 15_000, 'the picture sent');
    expect(sent).toMatchObject({ name: 'office view.png', size: picture.length, hash: contentHash(picture) });
    // Its own copy shows as a picture at once, and bob's host has it, verified.
    await eventually(() => imageShown(alicePanel, `${ATTACHMENTS} img`), 15_000, "the picture in alice's bubble");
    await eventually(async () => (await lastAttachments(bob.api(), 'alice'))[0]?.state === 'available', 20_000, 'the picture at bob');
    await waitForAttr(alicePanel, `${ATTACHMENTS}`, 'data-state', 'available', 20_000);
    await snap(alicePanel, 'attachments-02-picture-sent');
  });

  it('bob sees a thumbnail made from the bytes, and opens it full size', async () => {
    const thumb = await eventually(() => imageShown(bobPanel, `${ATTACHMENTS}[data-kind="image"] img`), 20_000, "the thumbnail in bob's chat");
    // Drawn small in the page, from the bytes; the full picture is kept for the viewer.
    expect(thumb.width).toBeLessThan(PICTURE.width);
    expect(thumb.width / thumb.height).toBeCloseTo(PICTURE.width / PICTURE.height, 1);
    await snap(bobPanel, 'attachments-03-friend-thumbnail');

    await bobPanel.click(tid('attachment-thumb'));
    await waitVisible(bobPanel, tid('image-viewer'));
    const full = await eventually(() => imageShown(bobPanel, tid('image-viewer-image')), 10_000, 'the full picture');
    expect(full).toEqual(PICTURE);
    await snap(bobPanel, 'attachments-04-full-size');
    await bobPanel.press(null, 'Escape');
    await waitGone(bobPanel, tid('image-viewer'));
  });

  it('bob drops a file on the chat; alice downloads it', async () => {
    const notes = Buffer.from(`Meeting notes\n${'- one more thing to decide\n'.repeat(80)}`);
    await dispatchFiles(bobPanel, tid('chat-view'), 'drop', [{ name: 'Meeting notes.txt', type: 'text/plain', base64: notes.toString('base64') }]);
    await waitVisible(bobPanel, tid('composer-file'));
    await snap(bobPanel, 'attachments-05-dropped');
    await bobPanel.press(tid('composer-input'), 'Enter');
    await waitGone(bobPanel, tid('composer-file'));

    const row = `${ATTACHMENTS}[data-kind="file"]`;
    await eventually(async () => (await lastAttachments(alice.api(), 'bob'))[0]?.state === 'available', 20_000, 'the notes at alice');
    await waitVisible(alicePanel, `${row} ${tid('attachment-download')}`, 20_000);
    await snap(alicePanel, 'attachments-06-file-received');
    await alicePanel.click(`${row} ${tid('attachment-download')}`);
    const saved = path.join(alice.driver.downloadDir, 'Meeting notes.txt');
    await eventually(() => fs.existsSync(saved) && fs.statSync(saved).size === notes.length, 20_000, 'the download on disk');
    expect(fs.readFileSync(saved).equals(notes)).toBe(true);
  });

  it('alice pastes a picture into the message box', async () => {
    const pasted = gradientPng(300, 300, 90);
    await dispatchFiles(alicePanel, tid('composer-input'), 'paste', [{ name: 'image.png', type: 'image/png', base64: pasted.toString('base64') }]);
    await waitVisible(alicePanel, tid('composer-file'));
    await alicePanel.press(tid('composer-input'), 'Enter');
    await eventually(async () => {
      const [a] = await lastAttachments(bob.api(), 'alice');
      return a?.hash === contentHash(pasted) && a.state === 'available';
    }, 20_000, 'the pasted picture at bob');
    await eventually(async () => (await countImages(bobPanel)) >= 2, 20_000, 'two pictures in bob’s chat');
    await snap(bobPanel, 'attachments-07-pasted-picture');
  });

  it('an SVG named and declared as a PNG stays a file, never drawn', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>document.title="owned"</script></svg>');
    const api = alice.api();
    const up = await api.uploadAttachment('kitten.png', svg, 'image/png');
    await api.send('bob', 'cute, right?', { attachments: [up.attachment_id] });
    const row = `${tid(`attachment-${up.attachment_id}`)}`;
    await waitForAttr(bobPanel, row, 'data-state', 'available', 20_000);
    await waitVisible(bobPanel, `${row} ${tid('attachment-download')}`);
    expect(await bobPanel.evaluate((sel) => document.querySelector(sel)?.getAttribute('data-kind'), row)).toBe('file');
    expect(await bobPanel.evaluate((sel) => document.querySelectorAll(`${sel} img, ${sel} svg script`).length, row)).toBe(0);
    expect(await bobPanel.evaluate(() => document.title)).not.toBe('owned');
    await snap(bobPanel, 'attachments-08-svg-stays-a-file');
    expect(alice.driver.pageErrors).toEqual([]);
    expect(bob.driver.pageErrors).toEqual([]);
  });
});

/** The natural size of a loaded image, or null while it is missing or not decoded. */
function imageShown(page: UiPage, selector: string): Promise<{ width: number; height: number } | null> {
  return page.evaluate((sel) => {
    const img = [...document.querySelectorAll(sel)].at(-1) as HTMLImageElement | undefined;
    return img && img.complete && img.naturalWidth > 0 ? { width: img.naturalWidth, height: img.naturalHeight } : null;
  }, selector);
}

function countImages(page: UiPage): Promise<number> {
  return page.evaluate((sel) => document.querySelectorAll(sel).length, `${ATTACHMENTS}[data-kind="image"] img`);
}

/** Files pasted into, or dropped onto, an element, as the page's own events carry them. */
function dispatchFiles(page: UiPage, selector: string, kind: 'paste' | 'drop', files: PageFile[]): Promise<void> {
  return page.evaluate(({ selector, kind, files }) => {
    const data = new DataTransfer();
    for (const f of files) data.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    const target = document.querySelector(selector);
    if (!target) throw new Error(`no ${selector}`);
    if (kind === 'paste') {
      // Firefox's ClipboardEvent constructor drops the files of a DataTransfer it is given: the event carries ours as the browser's would.
      const paste = new Event('paste', { bubbles: true, cancelable: true });
      Object.defineProperty(paste, 'clipboardData', { value: data });
      target.dispatchEvent(paste);
      return;
    }
    for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  }, { selector, kind, files });
}
