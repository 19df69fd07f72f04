import type { ServerFrame } from '../../../protocol/index.js';
import { restAs, roomName, type ConversationServer, type Rest } from './conversations.js';
import { newUser, type Session } from './http.js';
import { waitUntil } from './wait.js';
import { connect, type TestClient } from './ws-client.js';

export interface Person {
  session: Session;
  rest: Rest;
  socket: TestClient;
}

/** A signed-in person with a socket on the server. */
export async function person(env: ConversationServer, prefix: string): Promise<Person> {
  const session = await newUser(env.server.url, prefix);
  return {
    session,
    rest: restAs(env.server.url, session),
    socket: await connect(env.server.wsUrl, session),
  };
}

/**
 * A public room owned by `owner`, with `moderator` made a room moderator and `members` in it, every
 * socket following it. Answers the room's name.
 */
export async function moderatedRoom(
  owner: Person,
  moderator: Person | undefined,
  ...members: Person[]
): Promise<string> {
  const room = roomName('mod');
  await owner.rest.createRoom(room, 'public');
  await owner.socket.join(room);
  for (const p of [...(moderator ? [moderator] : []), ...members]) await p.socket.join(room);
  if (moderator) {
    const made = await owner.rest.patch(`/rooms/${room}/members/${moderator.session.user.username}`, {
      role: 'moderator',
    });
    if (made.status !== 200) throw new Error(`role: ${made.status} ${JSON.stringify(made.body)}`);
  }
  return room;
}

/** The first frame (received so far or later) that matches, whatever was awaited before it. */
export async function seen<T extends ServerFrame['type']>(
  client: TestClient,
  type: T,
  match: (frame: Extract<ServerFrame, { type: T }>) => boolean,
): Promise<Extract<ServerFrame, { type: T }>> {
  const find = () => client.framesOf(type).find(match);
  await waitUntil(() => find() !== undefined, `a "${type}" frame`, { ceilingMs: 30_000 });
  return find()!;
}

/** Sends a message and answers the refusal (error frame) or the ack, whichever comes. */
export async function trySend(
  client: TestClient,
  room: string,
  text: string,
): Promise<Extract<ServerFrame, { type: 'error' | 'ack' }>> {
  const clientMsgId = globalThis.crypto.randomUUID();
  client.send({ type: 'send', room, text, clientMsgId });
  const find = () =>
    client.frames.find(
      (f): f is Extract<ServerFrame, { type: 'error' | 'ack' }> =>
        (f.type === 'error' && f.ref === clientMsgId) || (f.type === 'ack' && f.clientMsgId === clientMsgId),
    );
  await waitUntil(() => find() !== undefined, 'an ack or a refusal');
  return find()!;
}

export async function closeAll(...people: Person[]): Promise<void> {
  await Promise.all(people.map((p) => p.socket.close()));
}
