import type pino from 'pino';
import pretty from 'pino-pretty';

/**
 * Human-readable log lines (pino-pretty) for a person at a terminal: local time, level, message, then
 * the event's other fields indented below it. Fastify's two lines per request read as one short line
 * each (`incoming request GET /api/v1/rooms from 127.0.0.1 (req-7)`, `request completed 200 in 4 ms (req-7)`).
 * Synchronous, so the fatal line written just before `process.exit` is not lost. It receives events
 * after pino has redacted them.
 */
export function prettyStream(destination: pino.DestinationStream | undefined): pino.DestinationStream {
  return pretty({
    destination: destination ?? 1,
    sync: true,
    // Colours only for the terminal; a stream handed in (a test, a file) gets plain text.
    colorize: destination === undefined ? undefined : false,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,req,res,responseTime,reqId',
    messageFormat: requestAwareMessage,
  });
}

interface RequestFields {
  req?: { method?: string; url?: string; ip?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  reqId?: string;
}

/** The message, with the request's method and URL, or its status and duration, and its id. */
export function requestAwareMessage(log: Record<string, unknown>, messageKey: string): string {
  const { req, res, responseTime, reqId } = log as RequestFields;
  const message = log[messageKey];
  const parts = [typeof message === 'string' ? message : JSON.stringify(message ?? '')];
  if (req !== undefined) parts.push(`${req.method ?? ''} ${req.url ?? ''}`, ...(req.ip ? ['from', req.ip] : []));
  if (res?.statusCode !== undefined) parts.push(String(res.statusCode));
  if (typeof responseTime === 'number') parts.push(`in ${Math.round(responseTime)} ms`);
  if (reqId !== undefined) parts.push(`(${reqId})`);
  return parts.join(' ');
}
