import { describe, expect, it } from 'vitest';
import { roomName, serverForSuite } from '../helpers/conversations.js';
import { closeAll, person, seen } from '../helpers/moderation.js';

/**
 * A ban works on someone who is not a member (pre-emptive). In a private room they must learn
 * nothing of it: a private room I am not in does not exist for me (docs/security.md), so no frame
 * may name it to them — not even `rooms-changed`.
 */
describe('a pre-emptive ban in a private room', () => {
  const env = serverForSuite('sqlite');

  it('tells the banned non-member nothing that names the room', async () => {
    const [owner, eve, bob] = [await person(env, 'owner'), await person(env, 'eve'), await person(env, 'bob')];
    const secret = roomName('secret');
    await owner.rest.createRoom(secret, 'private');
    await owner.socket.join(secret);
    const banned = await owner.rest.post(`/rooms/${secret}/bans`, { username: eve.session.user.username });
    expect(banned.status).toBe(200);
    await seen(owner.socket, 'event', (f) => f.event.kind === 'member_ban');
    // A marker after the ban on eve's own channel: anything the ban sent her came before it.
    const open = roomName('open');
    await bob.rest.createRoom(open, 'public');
    await bob.rest.post(`/rooms/${open}/members`, { username: eve.session.user.username });
    await seen(eve.socket, 'rooms-changed', (f) => f.room === open);
    expect(JSON.stringify(eve.socket.frames)).not.toContain(secret);
    await closeAll(owner, eve, bob);
  });
});
