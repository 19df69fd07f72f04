import { z } from 'zod';
import {
  AUTH_SUBPROTOCOL_PREFIX,
  ClientFrameSchema,
  CloseCodes,
  ServerFrameSchema,
  SUBPROTOCOL,
} from '../../../../protocol/index.js';

/**
 * The WebSocket protocol as an AsyncAPI 3 document, generated from the protocol's zod schemas (one
 * message per frame `type`), so the document cannot drift from what the gateway parses and sends.
 * Served at `GET /api/v1/asyncapi.json`; docs/protocol.md explains the meaning of each frame.
 */
export function asyncApiDocument(version: string): Record<string, unknown> {
  const messages: Record<string, unknown> = {};
  const received: { $ref: string }[] = [];
  const sent: { $ref: string }[] = [];
  for (const [direction, union, io, list] of [
    ['client', ClientFrameSchema, 'input', received],
    ['server', ServerFrameSchema, 'output', sent],
  ] as const) {
    for (const frame of union.options) {
      const type = frameType(frame);
      const name = `${direction}.${type}`;
      messages[name] = {
        name,
        title: `${direction === 'client' ? 'Client → server' : 'Server → client'}: ${type}`,
        contentType: 'application/json',
        // AsyncAPI's default schema format is a superset of JSON Schema draft 7.
        payload: z.toJSONSchema(frame, { target: 'draft-7', io, unrepresentable: 'any' }),
      };
      list.push({ $ref: `#/channels/socket/messages/${name}` });
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Parley WebSocket protocol',
      version,
      description:
        `One socket per client at /api/v1/ws with the subprotocol \`${SUBPROTOCOL}\`; the access token ` +
        `travels as a second subprotocol \`${AUTH_SUBPROTOCOL_PREFIX}<token>\` or in the Authorization ` +
        'header, never in the URL. Every frame is one JSON text message with a `type`. See docs/protocol.md.',
    },
    defaultContentType: 'application/json',
    channels: {
      socket: {
        address: '/api/v1/ws',
        messages: Object.fromEntries(
          Object.keys(messages).map((name) => [name, { $ref: `#/components/messages/${name}` }]),
        ),
        bindings: { ws: { method: 'GET', bindingVersion: '0.1.0' } },
      },
    },
    operations: {
      receiveClientFrames: {
        action: 'receive',
        channel: { $ref: '#/channels/socket' },
        summary: 'Frames a client sends.',
        messages: received,
      },
      sendServerFrames: {
        action: 'send',
        channel: { $ref: '#/channels/socket' },
        summary: 'Frames the server sends.',
        messages: sent,
      },
    },
    components: { messages },
    'x-close-codes': CloseCodes,
  };
}

function frameType(frame: z.ZodObject): string {
  const type: unknown = frame.shape.type;
  if (!(type instanceof z.ZodLiteral) || typeof type.value !== 'string') {
    throw new Error('every frame schema has a literal string `type`');
  }
  return type.value;
}
