import { describe, expect, it } from 'vitest';
import { EVERY_DOMAIN } from '../../src/core/authz/authorizer.js';
import { restAs, roomName, serverForSuite, STORE_KINDS, type Rest } from '../helpers/conversations.js';
import { newUser, type Session } from '../helpers/http.js';
import { connect, type TestClient } from '../helpers/ws-client.js';

/**
 * Who may do what, end to end: every role × every action, each cell run for real through the HTTP
 * API or a socket against a fresh public room, and its answer compared with this one table.
 * `Y` allowed, `.` refused. Read it as the product's rules:
 * - anyone may read, join and (having joined) write in a public room; only members leave;
 * - the owner manages, invites and removes, and cannot leave while the room's only owner (LAST_OWNER);
 * - room moderators, owners, global moderators and admins moderate (delete anyone's message, mute,
 *   kick, ban, read-only and slow mode) — global ones in every room without being members;
 * - only admins reach the admin API and suspend; a banned user cannot come back in; a suspended
 *   account can do nothing at all.
 */
const MATRIX = `
                 read join write leave manage invite remove delete_any mute kick ban set_slow_mode create_room admin suspend
admin             Y    Y    Y     .     .      .      .       Y         Y    Y    Y       Y            Y         Y     Y
global-moderator  Y    Y    Y     .     .      .      .       Y         Y    Y    Y       Y            Y         .     .
user              Y    Y    Y     .     .      .      .       .         .    .    .       .            Y         .     .
room-owner        Y    Y    Y     .     Y      Y      Y       Y         Y    Y    Y       Y            Y         .     .
room-moderator    Y    Y    Y     Y     .      .      .       Y         Y    Y    Y       Y            Y         .     .
member            Y    Y    Y     Y     .      .      .       .         .    .    .       .            Y         .     .
non-member        Y    Y    Y     .     .      .      .       .         .    .    .       .            Y         .     .
banned            Y    .    .     .     .      .      .       .         .    .    .       .            Y         .     .
suspended         .    .    .     .     .      .      .       .         .    .    .       .            .         .     .
`;

type Row = string;
type Action = string;

function parseMatrix(text: string): { actions: Action[]; rows: { row: Row; allowed: Map<Action, boolean> }[] } {
  const [header = '', ...lines] = text.trim().split('\n');
  const actions = header.trim().split(/\s+/);
  const rows = lines.map((line) => {
    const [row = '', ...marks] = line.trim().split(/\s+/);
    if (marks.length !== actions.length) throw new Error(`row ${row}: ${marks.length} marks for ${actions.length}`);
    return { row, allowed: new Map(actions.map((action, i) => [action, marks[i] === 'Y'] as const)) };
  });
  return { actions, rows };
}

describe.each(STORE_KINDS)('the enforcement matrix on %s', (kind) => {
  const env = serverForSuite(kind);
  const { actions, rows } = parseMatrix(MATRIX);

  interface Person {
    session: Session;
    rest: Rest;
  }
  const person = async (prefix: string): Promise<Person> => {
    const session = await newUser(env.server.url, prefix);
    return { session, rest: restAs(env.server.url, session) };
  };
  const ok = (status: number) => status >= 200 && status < 300;

  /** A room of its own for one cell: an owner, a room moderator, a member, and a victim who has written. */
  interface Stage {
    room: string;
    owner: Person;
    moderator: Person;
    member: Person;
    victim: Person;
    victimMessageId: string;
    outsider: Person;
  }

  async function stage(cast: Omit<Stage, 'room' | 'victimMessageId'>, victimSocket: TestClient): Promise<Stage> {
    const room = roomName('mx');
    await cast.owner.rest.createRoom(room, 'public');
    for (const who of [cast.moderator, cast.member, cast.victim])
      await cast.owner.rest.invite(room, who.session.user.username);
    const promoted = await cast.owner.rest.patch(`/rooms/${room}/members/${cast.moderator.session.user.username}`, {
      role: 'moderator',
    });
    if (promoted.status !== 200) throw new Error(`promote: ${promoted.status} ${JSON.stringify(promoted.body)}`);
    await victimSocket.join(room);
    const ack = await victimSocket.sendText('a message to moderate', room);
    return { ...cast, room, victimMessageId: ack.message.id };
  }

  /** Sends frames on a fresh socket and answers whether the server refused the first one (a pong ends the wait). */
  async function overSocket(actor: Person, frames: Record<string, unknown>[]): Promise<boolean> {
    let socket: TestClient;
    try {
      socket = await connect(env.server.wsUrl, actor.session);
    } catch {
      return false; // the handshake was refused
    }
    try {
      for (const frame of frames) socket.send(frame);
      socket.send({ type: 'ping' });
      await Promise.race([socket.next('pong'), socket.closed]);
      return !socket.frames.some((frame) => frame.type === 'error') && socket.ws.readyState === socket.ws.OPEN;
    } finally {
      await socket.close();
    }
  }

  async function attempt(action: Action, actor: Person, s: Stage): Promise<boolean> {
    const victim = s.victim.session.user.username;
    const rest = actor.rest;
    switch (action) {
      case 'read':
        return ok((await rest.get(`/rooms/${s.room}/messages`)).status);
      case 'join':
        return ok((await rest.post(`/rooms/${s.room}/join`)).status);
      case 'write':
        return overSocket(actor, [
          { type: 'join', room: s.room },
          { type: 'send', room: s.room, text: 'hello', clientMsgId: `mx-${s.room}` },
        ]);
      case 'leave':
        return ok((await rest.post(`/rooms/${s.room}/leave`)).status);
      case 'manage':
        return ok((await rest.patch(`/rooms/${s.room}`, { topic: 'changed' })).status);
      case 'invite':
        return ok((await rest.post(`/rooms/${s.room}/members`, { username: s.outsider.session.user.username })).status);
      case 'remove':
        return ok((await rest.delete(`/rooms/${s.room}/members/${victim}`)).status);
      case 'delete_any':
        return overSocket(actor, [{ type: 'delete', room: s.room, messageId: s.victimMessageId }]);
      case 'mute':
        return ok((await rest.post(`/rooms/${s.room}/mutes`, { username: victim, durationSeconds: 60 })).status);
      case 'kick':
        return ok((await rest.post(`/rooms/${s.room}/kicks`, { username: victim })).status);
      case 'ban':
        return ok((await rest.post(`/rooms/${s.room}/bans`, { username: victim })).status);
      case 'set_slow_mode':
        return ok((await rest.patch(`/rooms/${s.room}/moderation`, { slowModeSeconds: 10 })).status);
      case 'create_room':
        return ok((await rest.post('/rooms', { name: roomName('mx-new') })).status);
      case 'admin':
        return ok((await rest.get('/admin/users')).status);
      case 'suspend':
        return ok((await rest.post(`/admin/users/${victim}/suspend`, { reason: 'matrix' })).status);
      default:
        throw new Error(`no attempt for ${action}`);
    }
  }

  it.each(rows.map((r) => [r.row, r] as const))(
    'the %s row',
    async (row, { allowed }) => {
      const app = env.server.app;
      const [admin, owner, moderator, member, outsider] = await Promise.all([
        person('mx_admin'),
        person('mx_owner'),
        person('mx_mod'),
        person('mx_member'),
        person('mx_out'),
      ]);
      await app.authz.grantRole(admin.session.user.id, 'admin', EVERY_DOMAIN);
      const cast = { owner, moderator, member, outsider };

      // The actor of this row, and what makes them so, per cell (some need the cell's room).
      let actor: Person;
      let before: (s: Stage) => Promise<void> = () => Promise.resolve();
      switch (row) {
        case 'admin':
          actor = admin;
          break;
        case 'global-moderator':
          actor = await person('mx_gmod');
          await app.authz.grantRole(actor.session.user.id, 'moderator', EVERY_DOMAIN);
          break;
        case 'user':
          actor = await person('mx_user');
          break;
        case 'room-owner':
          actor = owner;
          break;
        case 'room-moderator':
          actor = moderator;
          break;
        case 'member':
          actor = member;
          break;
        case 'non-member': {
          actor = await person('mx_elsewhere');
          await actor.rest.createRoom(roomName('mx-own'), 'public');
          break;
        }
        case 'banned': {
          const banned = await person('mx_banned');
          actor = banned;
          before = async (s) => {
            const answer = await s.owner.rest.post(`/rooms/${s.room}/bans`, { username: banned.session.user.username });
            if (answer.status !== 200) throw new Error(`ban: ${answer.status} ${JSON.stringify(answer.body)}`);
          };
          break;
        }
        case 'suspended': {
          actor = await person('mx_suspended');
          const answer = await admin.rest.post(`/admin/users/${actor.session.user.username}/suspend`, { reason: 'x' });
          if (answer.status !== 200) throw new Error(`suspend: ${answer.status} ${JSON.stringify(answer.body)}`);
          break;
        }
        default:
          throw new Error(`unknown row ${row}`);
      }

      // The cells are independent (a room and a victim each; the suspend cell ends its victim's
      // account), so they run side by side.
      const seen = new Map<Action, boolean>();
      await Promise.all(
        actions.map(async (action) => {
          const victim = await person('mx_victim');
          const victimSocket = await connect(env.server.wsUrl, victim.session);
          try {
            const s = await stage({ ...cast, victim }, victimSocket);
            await before(s);
            seen.set(action, await attempt(action, actor, s));
          } finally {
            await victimSocket.close();
          }
        }),
      );
      expect(Object.fromEntries(actions.map((a) => [a, seen.get(a)]))).toEqual(Object.fromEntries(allowed));
    },
    120_000,
  );
});
