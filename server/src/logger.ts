import pino, { type Logger as PinoLogger } from 'pino';
import type { LogFormat } from './config.js';
import { prettyStream } from './logger-pretty.js';

/**
 * Structured logs (pino): one JSON object per line, or the same events as human-readable lines
 * (pino-pretty) for a person at a terminal; `LOG_FORMAT` in config.ts decides. Secrets never reach a
 * log line in either format: credentials, tokens, cookies and the token-bearing WebSocket subprotocol
 * header are redacted wherever they appear (pino redacts before anything is written, so the pretty
 * printer only ever sees redacted events), and URLs are logged without their query string.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'currentPassword',
  'newPassword',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'jwtSecret',
  '*.jwtSecret',
  'secretAccessKey',
  '*.secretAccessKey',
  's3.secretAccessKey',
  '*.s3.secretAccessKey',
  '*.blobs.s3.secretAccessKey',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["sec-websocket-protocol"]',
];

export function createLogger(
  level: string,
  destination?: pino.DestinationStream,
  format: LogFormat = 'json',
): PinoLogger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { service: 'parley' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        req: serializeRequest,
        res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    format === 'pretty' ? prettyStream(destination) : destination,
  );
}

/** Request fields worth logging: never headers, never the query string. */
export function serializeRequest(request: { method: string; url: string; ip?: string; id?: string }) {
  return { method: request.method, url: request.url.split('?')[0], ip: request.ip, id: request.id };
}
