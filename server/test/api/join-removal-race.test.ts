import { describe, expect, it } from 'vitest';
import { removeMember } from '../../src/core/conversations/actions/members.js';
import { restAs, roomName, serverForSuite } from '../helpers/conversations.js';
import { newUser } from '../helpers/http.js';
import { connect } from '../helpers/ws-client.js';

/**
 * A join that races a removal: the member's join passed the gate, then the removal committed (and
 * found no subscription to end) before the socket subscribed. The join must see it and refuse, or
 * the removed member would follow the private room until they disconnect.
 */
describe('a join racing a removal', () => {
  const env = serverForSuite('sqlite');

  it('the removed member is refused and gets nothing of the room afterwards', async () => {
    const alice = await newUser(env.server.url, 'alice');
    const bob = await newUser(env.server.url, 'bob');
    const room = roomName('race');
    const owner = restAs(env.server.url, alice);
    await owner.createRoom(room, 'private');
    await owner.invite(room, bob.user.username);
    const a = await connect(env.server.wsUrl, alice);
    await a.join(room);

    // The removal lands exactly between the gate's membership read and the subscription.
    const ctx = env.server.app.core.ctx;
    const read = ctx.store.findMembership.bind(ctx.store);
    let armed = true;
    ctx.store.findMembership = async (name, userId) => {
      const found = await read(name, userId);
      if (armed && name === room && userId === bob.user.id) {
        armed = false;
        await removeMember(ctx, alice.user, room, bob.user.username);
      }
      return found;
    };
    try {
      const b = await connect(env.server.wsUrl, bob);
      b.send({ type: 'join', room });
      const refused = await b.next('error', (f) => f.ref === 'join');
      expect(armed).toBe(false);
      expect(refused).toMatchObject({ code: 'ROOM_NOT_FOUND', room });
      const secret = await a.sendText('after the removal', room);
      // A frame sent after the secret, to a room bob is in, proves the secret had its chance to arrive.
      await a.join('general');
      const b2 = await b.join('general');
      await a.sendText('marker', 'general');
      await b.next('message', (f) => f.message.text === 'marker');
      expect(b2.room).toBe('general');
      expect(b.framesOf('joined').filter((f) => f.room === room)).toEqual([]);
      expect(b.framesOf('message').filter((f) => f.message.id === secret.message.id)).toEqual([]);
      await Promise.all([a.close(), b.close()]);
    } finally {
      ctx.store.findMembership = read;
    }
  });
});
