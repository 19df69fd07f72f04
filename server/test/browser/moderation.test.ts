/**
 * Moderation and suspension in the browser, through the UI as people use it: a room's owner removes
 * someone's message (the tombstone says a moderator did), mutes them from their name (the muted
 * page says until when and why, its composer is disabled, and a send it forces out is refused and
 * never reaches the room), and kicks them with a reason they read. An admin finds a person on the
 * admin page and suspends them: that person's open tab is logged out with the explanation, never
 * opens another socket, and a login attempt shows the admin's reason; lifted, they log in again.
 * Read-only and slow mode from the room's dialog. Someone who is not an admin never sees the admin
 * page's button.
 */
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { adminAs, makeAdmin } from '../helpers/admin.js';
import { arrive, sendViaUi, submitAuth, useServerAndBrowser, type Person } from '../helpers/browser.js';
import { GOOD_PASSWORD, newUser, uniqueName } from '../helpers/http.js';
import { type TestServer } from '../helpers/server.js';

let server: TestServer;
let browser: Browser;
useServerAndBrowser((stage) => ({ server, browser } = stage));

/** The stored message whose own text (not a quote of it) contains `text`. */
const message = (page: Page, text: string) =>
  page.locator('#messages .message').filter({ has: page.locator(':scope > .body', { hasText: text }) });
const roomLink = (page: Page, room: string) => page.locator(`#rooms-nav .room-link[data-room="${room}"]`);

async function openRoom(person: Person, room: string): Promise<void> {
  await roomLink(person.page, room).click();
  await person.page.waitForSelector(`#rooms-nav .room-link[data-room="${room}"][aria-current="page"]`);
}

/** Ann creates a room from the sidebar (she owns it, so she moderates it) and adds Ben from its members dialog. */
async function roomWith(owner: Person, member: Person): Promise<string> {
  const room = `mod-${process.pid}-${Date.now() % 100_000}`.slice(0, 32);
  await owner.page.click('#new-room-btn');
  await owner.page.fill('#room-name', room);
  await owner.page.click('#room-create');
  await owner.page.waitForSelector(`#rooms-nav .room-link[data-room="${room}"][aria-current="page"]`);
  await owner.page.click('#members-btn');
  await owner.page.fill('#invite-username', member.username);
  await owner.page.press('#invite-username', 'Enter');
  await owner.page.waitForSelector(`#members-list li[data-username="${member.username}"]`);
  await owner.page.click('#members-close');
  await roomLink(member.page, room).waitFor();
  await openRoom(member, room);
  return room;
}

it('a moderator removes a message, mutes and kicks from the UI; the muted person sees why and is not heard', async () => {
  const ann = await arrive(browser, server.url, uniqueName('ann'), GOOD_PASSWORD);
  const ben = await arrive(browser, server.url, uniqueName('ben'), GOOD_PASSWORD);
  const room = await roomWith(ann, ben);
  await openRoom(ann, room);

  await sendViaUi(ben.page, 'buy cheap watches here');
  await sendViaUi(ben.page, 'and cheap pens too');
  await message(ann.page, 'cheap pens').waitFor();

  // Ann moderates the room: "delete" is on Ben's message for her (not for Ben on hers).
  const spam = message(ann.page, 'cheap watches');
  await spam.hover();
  await spam.locator('.act-delete').click();
  await ann.page.waitForSelector('#confirm-dialog[open]');
  expect(await ann.page.textContent('#confirm-text')).toContain(`by ${ben.username}`);
  await ann.page.click('#confirm-ok');
  const tombstone = ben.page.locator('#messages .message.deleted .tombstone');
  await expect.poll(() => tombstone.textContent()).toBe('removed by a moderator');
  await expect.poll(() => message(ben.page, 'cheap watches').count()).toBe(0);
  await expect
    .poll(() => ann.page.locator('#messages .message.deleted .tombstone').textContent())
    .toBe('removed by a moderator');

  // She mutes him from his name on his other message: the card offers it, the dialog asks how long and why.
  await message(ann.page, 'cheap pens').locator('.author').click();
  await ann.page.waitForSelector('#profile-card[open] #profile-moderate:not([hidden])');
  await ann.page.click('#profile-moderate button[data-action="mute"]');
  await ann.page.waitForSelector('#moderate-dialog[open]');
  expect(await ann.page.isVisible('#moderate-duration')).toBe(true);
  await ann.page.selectOption('#moderate-duration', '3600');
  await ann.page.fill('#moderate-reason', 'advertising');
  await ann.page.click('#moderate-ok');
  await ann.page.waitForSelector('#moderate-dialog:not([open])', { state: 'attached' });
  // Everyone in the room sees the line; Ben's composer says until when and why, and is disabled.
  await ann.page.waitForSelector(`#messages .system-line[data-kind="member_mute"]`);
  const guard = ben.page.locator('#compose-guard[data-kind="muted"]');
  await guard.waitFor();
  expect(await guard.textContent()).toMatch(/^You are muted here until .+ — advertising$/);
  expect(await ben.page.isDisabled('#composer')).toBe(true);
  expect(await ben.page.isDisabled('#send-btn')).toBe(true);
  expect(await ben.page.textContent('#messages .system-line[data-kind="member_mute"]')).toContain('muted you until');

  // A page that sends anyway (as a stale one would) is refused: the message fails with the same
  // words and never reaches the room.
  await ben.page.evaluate(() => {
    for (const id of ['composer', 'send-btn']) (document.getElementById(id) as HTMLButtonElement).disabled = false;
  });
  await sendViaUi(ben.page, 'can anyone hear me');
  const refused = ben.page.locator('#messages .outgoing.failed');
  await refused.waitFor();
  expect(await refused.locator('.send-state').getAttribute('title')).toMatch(
    /^You are muted here until .+ — advertising$/,
  );
  await sendViaUi(ann.page, 'the room goes on');
  await message(ben.page, 'the room goes on').waitFor();
  expect(await message(ann.page, 'can anyone hear me').count()).toBe(0);

  // Kicked from the members list, with a reason: Ben reads it, and the room is gone from his screen.
  await ann.page.click('#members-btn');
  await ann.page.click(`#members-list li[data-username="${ben.username}"] button[data-action="kick"]`);
  await ann.page.waitForSelector('#moderate-dialog[open]');
  expect(await ann.page.isHidden('#moderate-duration')).toBe(true);
  await ann.page.fill('#moderate-reason', 'enough for today');
  await ann.page.click('#moderate-ok');
  await ann.page.waitForSelector(`#members-list li[data-username="${ben.username}"]`, { state: 'detached' });
  await ann.page.click('#members-close');
  await expect
    .poll(() => ben.page.textContent('#notice'))
    .toBe(`A moderator removed you from #${room} — enough for today`);
  await expect.poll(() => ben.page.textContent('#room-title')).not.toBe(`#${room}`);
  expect(await roomLink(ben.page, room).count()).toBe(0);
  await ann.page.waitForSelector(`#messages .system-line[data-kind="member_kick"]`);

  await ann.context.close();
  await ben.context.close();
});

it("the room's modes from its dialog: read-only stops others writing, slow mode makes a message wait, not fail", async () => {
  const ann = await arrive(browser, server.url, uniqueName('ann'), GOOD_PASSWORD);
  const ben = await arrive(browser, server.url, uniqueName('ben'), GOOD_PASSWORD);
  const room = await roomWith(ann, ben);
  await openRoom(ann, room);

  // Read-only: Ben's composer says so and is disabled; Ann, who moderates, still writes.
  await ann.page.click('#members-btn');
  await ann.page.waitForSelector('#modes-form:not([hidden])');
  await ann.page.check('#modes-read-only');
  await ann.page.click('#modes-save');
  await ben.page.waitForSelector('#compose-guard[data-kind="read-only"]');
  expect(await ben.page.textContent('#compose-guard')).toContain('read-only room');
  expect(await ben.page.isDisabled('#composer')).toBe(true);
  expect(await ben.page.textContent('#messages .system-line[data-kind="room_change"]')).toContain(
    'made the room read-only',
  );
  expect(await ann.page.isHidden('#compose-guard')).toBe(true);

  // Slow mode instead: a hint for Ben; his second message in a row waits its turn and then arrives.
  await ann.page.uncheck('#modes-read-only');
  await ann.page.selectOption('#modes-slow', '5');
  await ann.page.click('#modes-save');
  await ben.page.waitForSelector('#compose-guard[data-kind="slow"]');
  expect(await ben.page.textContent('#compose-guard')).toBe('slow mode: one message every 5 s');
  expect(await ben.page.isDisabled('#composer')).toBe(false);
  await sendViaUi(ben.page, 'first of two');
  await message(ann.page, 'first of two').waitFor();
  await sendViaUi(ben.page, 'second of two');
  await ben.page.waitForSelector('#compose-guard[data-kind="slow-wait"]');
  expect(await ben.page.textContent('#compose-guard')).toMatch(/^slow mode: your next message goes in \d+ s$/);
  await message(ann.page, 'second of two').waitFor();
  expect(await ben.page.locator('#messages .outgoing.failed').count()).toBe(0);

  // Made a room moderator by the owner, Ben is exempt: the hint goes.
  await ann.page.selectOption(`#members-list li[data-username="${ben.username}"] select.role-select`, 'moderator');
  await ben.page.waitForSelector('#messages .system-line[data-kind="member_role"]');
  await ben.page.waitForSelector('#compose-guard', { state: 'hidden' });

  await ann.context.close();
  await ben.context.close();
});

it('an admin suspends someone from the admin page: their tab is logged out, says why, and never reconnects', async () => {
  // Dora is made an admin the way the CLI does it, then logs in through the UI.
  const doraSession = await newUser(server.url, 'dora');
  await makeAdmin(server.app, doraSession);
  const dora = await arrive(browser, server.url, doraSession.user.username, GOOD_PASSWORD, 'login');
  const carl = await arrive(browser, server.url, uniqueName('carl'), GOOD_PASSWORD);
  // Every socket Carl's page opens, counted by the browser itself.
  const sockets: string[] = [];
  carl.page.on('websocket', (ws) => sockets.push(ws.url()));

  // Carl is no admin: his ready frame came (he is online) and the admin button stays hidden.
  expect(await carl.page.isHidden('#admin-btn')).toBe(true);
  await dora.page.waitForSelector('#admin-btn:not([hidden])');

  // The admin page lists people; a search finds Carl.
  await dora.page.click('#admin-btn');
  await dora.page.waitForSelector('#admin-dialog[open]');
  await dora.page.waitForSelector(`#admin-users-list li[data-username="${dora.username}"] .badge.role`);
  await dora.page.fill('#admin-search', carl.username);
  await dora.page.press('#admin-search', 'Enter');
  const row = dora.page.locator(`#admin-users-list li[data-username="${carl.username}"]`);
  await row.waitFor();
  await expect.poll(() => dora.page.locator('#admin-users-list li.admin-user').count()).toBe(1);

  // Suspend asks why first.
  await row.locator('button.suspend').click();
  await row.locator('.suspend-form input').fill('repeated spam');
  await row.locator('.suspend-form button[type="submit"]').click();
  await expect.poll(() => row.locator('.suspension').textContent()).toContain('repeated spam');

  // Carl's open tab: logged out, told why, the chat gone.
  await carl.page.waitForSelector('#auth:not([hidden])');
  expect(await carl.page.textContent('#auth-error')).toBe('Your account was suspended.');
  expect(await carl.page.isHidden('#chat')).toBe(true);
  const carlId = (await adminAs(server.url, doraSession).user(carl.username)).id;
  expect(server.app.core.connectionsOfUser(carlId)).toBe(0);

  // What would bring a dropped socket back at once (the network returning) opens nothing; a login
  // attempt answers with the admin's reason. Once that answer is on screen, still no socket.
  await carl.context.setOffline(true);
  await carl.context.setOffline(false);
  await submitAuth(carl.page, carl.username, GOOD_PASSWORD, 'login');
  await expect.poll(() => carl.page.textContent('#auth-error')).toBe('Your account was suspended: repeated spam');
  expect(server.app.core.connectionsOfUser(carlId)).toBe(0);
  expect(sockets).toEqual([]);
  expect(await carl.page.isHidden('#chat')).toBe(true);

  // The audit log on the admin page has the suspension.
  await dora.page.click('#admin-tab-audit');
  await dora.page.waitForSelector('#admin-audit-list li.audit-entry');
  expect(await dora.page.locator('#admin-audit-list li.audit-entry').first().textContent()).toContain('repeated spam');

  // Lifted from the same page (a reason for the log is optional): Carl logs in again.
  await dora.page.click('#admin-tab-users');
  await row.locator('button.unsuspend').click();
  await row.locator('.suspend-form input').fill('appeal accepted');
  await row.locator('.suspend-form button[type="submit"]').click();
  await row.locator('button.suspend').waitFor();
  expect(await row.locator('.suspension').count()).toBe(0);
  await submitAuth(carl.page, carl.username, GOOD_PASSWORD, 'login');
  await carl.page.waitForSelector('#status[data-state="online"]');

  await dora.context.close();
  await carl.context.close();
});

it('the admin page is for admins: no button for anyone else, and the server refuses its lists to them', async () => {
  const eve = await arrive(browser, server.url, uniqueName('eve'), GOOD_PASSWORD);
  expect(await eve.page.isHidden('#admin-btn')).toBe(true);
  // A page that shows the button anyway (edited in the devtools) gets nothing from the server.
  await eve.page.evaluate(() => document.getElementById('admin-btn')!.removeAttribute('hidden'));
  await eve.page.click('#admin-btn');
  await eve.page.waitForSelector('#admin-users-error:not([hidden])');
  expect(await eve.page.locator('#admin-users-list li.admin-user').count()).toBe(0);
  expect(await eve.page.isVisible('#chat')).toBe(true);
  await eve.context.close();
});
