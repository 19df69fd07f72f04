/**
 * Conversations in the browser, through the UI as people use it: a private room created and an
 * invitation; chat with a mention typed through the autocomplete; an edit (↑ on an empty composer), a deletion behind a
 * confirmation, a reaction from the picker and its toggle, a reply whose quote leads back to the
 * message; a direct conversation opened from a name; and the unread badge of one person's second
 * device that clears when the first device reads the room.
 */
import type { Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { expect, it } from 'vitest';
import { arrive, sendViaUi, useServerAndBrowser, type Person } from '../helpers/browser.js';
import { GOOD_PASSWORD, uniqueName } from '../helpers/http.js';
import { type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

/** The stored message whose own text (not a quote of it) contains `text`. */
const message = (page: Page, text: string) =>
  page.locator('#messages .message').filter({ has: page.locator(':scope > .body', { hasText: text }) });
/** A room's button in the sidebar. */
const roomLink = (page: Page, room: string) => page.locator(`#rooms-nav .room-link[data-room="${room}"]`);

async function openRoom(person: Person, room: string): Promise<void> {
  await roomLink(person.page, room).click();
  await person.page.waitForSelector(`#rooms-nav .room-link[data-room="${room}"][aria-current="page"]`);
}

/** A message's toolbar button, as a mouse user reaches it (hover shows the toolbar). */
async function tool(page: Page, text: string, name: 'reply' | 'react' | 'edit' | 'delete'): Promise<void> {
  const item = message(page, text);
  await item.hover();
  await item.locator(`.act-${name}`).click();
}

it('a private room: create, invite, chat, edit, delete, react, reply; a DM; the badge clears on my other device', async () => {
  const ann = await arrive(browser, server.url, uniqueName('ann'), GOOD_PASSWORD);
  const ben = await arrive(browser, server.url, uniqueName('ben'), GOOD_PASSWORD);
  const room = `den-${process.pid}`.slice(0, 32);

  // Ann creates a private room from the sidebar's dialog; it opens at once, and she owns it.
  await ann.page.click('#new-room-btn');
  await ann.page.waitForSelector('#room-dialog[open]');
  await ann.page.fill('#room-name', room);
  await ann.page.fill('#room-topic-input', 'plans, quietly');
  await ann.page.check('#room-dialog input[name="visibility"][value="private"]');
  await ann.page.click('#room-create');
  await ann.page.waitForSelector(`#rooms-nav .room-link[data-room="${room}"][aria-current="page"]`);
  expect(await ann.page.textContent('#room-title')).toBe(`#${room}`);
  expect(await ann.page.textContent('#room-topic')).toBe('plans, quietly');
  // Ben cannot see it, in his list or in the public rooms.
  await ben.page.click('#browse-btn');
  await ben.page.waitForSelector('#browse-dialog[open]');
  expect(await ben.page.locator(`#browse-list [data-room="${room}"]`).count()).toBe(0);
  await ben.page.keyboard.press('Escape');
  expect(await roomLink(ben.page, room).count()).toBe(0);

  // She invites Ben from the members dialog; the room appears in his sidebar by itself.
  await ann.page.click('#members-btn');
  await ann.page.waitForSelector('#members-dialog[open] #invite-form:not([hidden])');
  await ann.page.fill('#invite-username', ben.username);
  await ann.page.press('#invite-username', 'Enter');
  await ann.page.waitForSelector(`#members-list li[data-username="${ben.username}"]`);
  await ann.page.click('#members-close');
  await roomLink(ben.page, room).waitFor();
  await openRoom(ben, room);
  expect(await ben.page.textContent('#room-topic')).toBe('plans, quietly');
  // As its owner she changes the topic; it changes on Ben's screen too.
  await ann.page.click('#members-btn');
  await ann.page.fill('#settings-topic', 'plans, less quietly');
  await ann.page.click('#settings-save');
  await expect.poll(() => ann.page.textContent('#members-topic-line')).toBe('private · plans, less quietly');
  await ann.page.click('#members-close');
  await expect.poll(() => ben.page.textContent('#room-topic')).toBe('plans, less quietly');

  // Chat, with a mention of Ann that her screen highlights.
  await sendViaUi(ann.page, 'hello ben, the plan is on the wall');
  await message(ben.page, 'the plan is on the wall').waitFor();
  // Ben mentions her through the autocomplete: @ and the start of her name, Tab completes it.
  await ben.page.focus('#composer');
  await ben.page.keyboard.type(`thanks @${ann.username.slice(0, 4)}`);
  await ben.page.waitForSelector(`#mention-list:not([hidden]) [data-username="${ann.username}"]`);
  await ben.page.keyboard.press('Tab');
  await expect.poll(() => ben.page.inputValue('#composer')).toBe(`thanks @${ann.username} `);
  await ben.page.keyboard.type(', I will look');
  await ben.page.keyboard.press('Enter');
  await message(ann.page, 'I will look').locator('.mention-me').waitFor();
  expect(await message(ann.page, 'I will look').getAttribute('class')).toContain('mentions-me');

  // Edit: ↑ on the empty composer takes my last message; Enter saves it for everyone.
  await ann.page.focus('#composer');
  await ann.page.keyboard.press('ArrowUp');
  await expect.poll(() => ann.page.inputValue('#composer')).toBe('hello ben, the plan is on the wall');
  await ann.page.waitForSelector('#compose-context:not([hidden])');
  await ann.page.fill('#composer', 'hello ben, the plan is in the drawer');
  await ann.page.press('#composer', 'Enter');
  await message(ben.page, 'the plan is in the drawer').locator('.edited').waitFor();
  expect(await message(ben.page, 'on the wall').count()).toBe(0);
  expect(await ann.page.inputValue('#composer')).toBe('');

  // React: Ben picks 👍 from the picker; Ann adds hers by pressing the reaction itself.
  await tool(ben.page, 'in the drawer', 'react');
  await ben.page.waitForSelector('#emoji-picker:not([hidden])');
  await ben.page.click('#emoji-picker button[data-emoji="👍"]');
  const annThumbs = message(ann.page, 'in the drawer').locator('.reaction[data-emoji="👍"]');
  await expect.poll(() => annThumbs.textContent()).toBe('👍1');
  expect(await annThumbs.getAttribute('aria-pressed')).toBe('false');
  await annThumbs.click();
  await expect.poll(() => annThumbs.getAttribute('aria-pressed')).toBe('true');
  const benThumbs = message(ben.page, 'in the drawer').locator('.reaction[data-emoji="👍"]');
  await expect.poll(() => benThumbs.textContent()).toBe('👍2');
  expect(await benThumbs.getAttribute('aria-pressed')).toBe('true');

  // Reply from the keyboard: focus the message, R, type, Enter. The quote shows on both screens,
  // and following it leads back to the message answered.
  await message(ben.page, 'in the drawer').focus();
  await ben.page.keyboard.press('r');
  await ben.page.waitForSelector('#compose-context:not([hidden])');
  expect(await ben.page.evaluate(() => document.activeElement?.id)).toBe('composer');
  await ben.page.keyboard.type('found it, thanks');
  await ben.page.keyboard.press('Enter');
  const quote = message(ann.page, 'found it, thanks').locator('.quote');
  await quote.waitFor();
  expect(await quote.textContent()).toContain('hello ben, the plan is in the drawer');
  await quote.click();
  await expect
    .poll(() => ann.page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent ?? ''))
    .toContain('the plan is in the drawer');

  // Delete asks first: cancel keeps it, confirm removes its words for everyone (a tombstone stays),
  // and the reply's quote says so.
  await tool(ann.page, 'in the drawer', 'delete');
  await ann.page.waitForSelector('#confirm-dialog[open]');
  await ann.page.click('#confirm-cancel');
  await ann.page.waitForSelector('#confirm-dialog:not([open])', { state: 'attached' });
  expect(await message(ann.page, 'in the drawer').count()).toBe(1);
  await tool(ann.page, 'in the drawer', 'delete');
  await ann.page.click('#confirm-ok');
  await expect.poll(() => message(ben.page, 'in the drawer').count()).toBe(0);
  await ben.page.waitForSelector('#messages .message.deleted .tombstone');
  await expect
    .poll(() => message(ben.page, 'found it, thanks').locator('.quote').textContent())
    .toContain('message deleted');
  expect(await message(ben.page, 'found it, thanks').locator('.quote').textContent()).not.toContain('drawer');

  // A DM from a name in the online list (its card's "message"): it opens for Ann, and shows on Ben's side with a badge.
  await ann.page.click(`#online li[data-username="${ben.username}"] button`);
  await ann.page.click('#profile-card[open] #profile-message');
  await expect.poll(() => ann.page.textContent('#room-title')).toBe(`@${ben.username}`);
  const dm = await ann.page.locator('#dm-list .room-link[aria-current="page"]').getAttribute('data-room');
  expect(dm).toBeTruthy();
  await sendViaUi(ann.page, 'psst, just us');
  const benDm = roomLink(ben.page, dm!);
  await expect.poll(() => benDm.locator('.badge.unread').textContent()).toBe('1');
  expect(await benDm.textContent()).toContain(`@${ann.username}`);
  await openRoom(ben, dm!);
  await message(ben.page, 'psst, just us').waitFor();
  await expect.poll(() => benDm.locator('.badge').count()).toBe(0);

  // Ann's second device, looking at another room, sees Ben's new message in the private room as
  // unread; the first device opens the room and reads it, and the badge on the second one clears.
  const annPhone = await arrive(browser, server.url, ann.username, GOOD_PASSWORD, 'login', {
    viewport: { width: 390, height: 844 },
  });
  await openRoom(ann, 'general');
  await annPhone.page.waitForSelector('#rooms-nav .room-link[data-room="general"][aria-current="page"]', {
    state: 'attached',
  });
  await sendViaUi(ben.page, 'one more thing'); // in the DM: unread there too
  await openRoom(ben, room);
  await sendViaUi(ben.page, 'the drawer is locked, the key is under the mat');
  const phoneBadge = roomLink(annPhone.page, room).locator('.badge.unread');
  const laptopBadge = roomLink(ann.page, room).locator('.badge.unread');
  await expect.poll(() => phoneBadge.textContent()).toBe('1');
  await expect.poll(() => laptopBadge.textContent()).toBe('1');
  await expect.poll(() => roomLink(annPhone.page, dm!).locator('.badge.unread').textContent()).toBe('1');
  // At phone width the rooms are in a drawer, and its toggle counts what is unread elsewhere.
  expect(await annPhone.page.textContent('#rooms-toggle-badge')).toBe('2');
  await openRoom(ann, room);
  await message(ann.page, 'under the mat').waitFor();
  await expect.poll(() => phoneBadge.count()).toBe(0);
  await expect.poll(() => annPhone.page.textContent('#rooms-toggle-badge')).toBe('1');
  // And the DM, read on the laptop too, clears on the phone.
  await openRoom(ann, dm!);
  await message(ann.page, 'one more thing').waitFor();
  await expect.poll(() => annPhone.page.isHidden('#rooms-toggle-badge')).toBe(true);

  // The owner removes Ben (after a confirmation): his screen says so and the room is gone from it.
  await openRoom(ben, room);
  await openRoom(ann, room);
  await ann.page.click('#members-btn');
  await ann.page.click(`#members-list li[data-username="${ben.username}"] button.remove`);
  await ann.page.click('#confirm-ok');
  await ann.page.waitForSelector(`#members-list li[data-username="${ben.username}"]`, { state: 'detached' });
  await ann.page.click('#members-close');
  await expect.poll(() => ben.page.textContent('#notice')).toMatch(/removed from the room/);
  await expect.poll(() => roomLink(ben.page, room).count()).toBe(0);
  expect(await ben.page.textContent('#room-title')).not.toBe(`#${room}`);

  for (const person of [ann, ben, annPhone]) {
    expect(person.dialogs).toEqual([]);
    expect(await person.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).toEqual([]);
    await person.context.close();
  }
});

it('at phone width the rooms are a drawer that works from the keyboard; public rooms are found and joined', async () => {
  const owner = await arrive(browser, server.url, uniqueName('cat'), GOOD_PASSWORD);
  const room = `lobby-${process.pid}`.slice(0, 32);
  await owner.page.click('#new-room-btn');
  await owner.page.fill('#room-name', room);
  await owner.page.click('#room-create');
  await owner.page.waitForSelector(`#rooms-nav .room-link[data-room="${room}"][aria-current="page"]`);

  const visitor = await arrive(browser, server.url, uniqueName('dan'), GOOD_PASSWORD, 'register', {
    viewport: { width: 390, height: 844 },
  });
  const { page } = visitor;
  // The drawer is closed: its links cannot be reached; the toggle opens it and focus moves in.
  expect(await page.isVisible('#rooms-nav .room-link[data-room="general"]')).toBe(false);
  await page.focus('#rooms-toggle');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#rooms-nav.open');
  expect(await page.getAttribute('#rooms-toggle', 'aria-expanded')).toBe('true');
  expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['room'])).toBe('general');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#rooms-nav:not(.open)', { state: 'attached' });
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('rooms-toggle');

  // Browse the public rooms and join one: it opens, and the drawer closes behind it.
  await page.keyboard.press('Enter');
  await page.click('#browse-btn');
  await page.waitForSelector('#browse-dialog[open]');
  await page.fill('#browse-filter', room.slice(0, 8));
  await page.click(`#browse-list li[data-room="${room}"] button.join`);
  await expect.poll(() => page.textContent('#room-title')).toBe(`#${room}`);
  await owner.page.waitForSelector(`#online li[data-username="${visitor.username}"]`);
  await sendViaUi(page, 'hello from a phone');
  await message(owner.page, 'hello from a phone').waitFor();

  // Leave it from the members dialog (after a confirmation): it goes back to the public rooms.
  await page.click('#members-btn');
  await page.click('#leave-room-btn');
  await page.click('#confirm-ok');
  await expect.poll(() => page.textContent('#room-title')).toBe('#general');
  expect(await roomLink(page, room).count()).toBe(0);
  await owner.page.waitForSelector(`#online li[data-username="${visitor.username}"]`, { state: 'detached' });
  await owner.context.close();
  await visitor.context.close();
});
