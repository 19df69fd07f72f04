import { ClientFrameSchema, type ClientFrame } from './frames.js';

export type ParseResult = { ok: true; frame: ClientFrame } | { ok: false; reason: string; ref?: string };

/**
 * Parses one text frame from a client. Never throws. Keys such as `__proto__` cannot pollute
 * anything: zod's strict objects refuse unknown keys, and JSON.parse makes `__proto__` an own key.
 */
export function parseClientFrame(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = ClientFrameSchema.safeParse(raw);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const issue = parsed.error.issues[0];
  const reason = issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'invalid frame';
  const ref = refOf(raw);
  return ref === undefined ? { ok: false, reason } : { ok: false, reason, ref };
}

function refOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const id = (raw as Record<string, unknown>)['clientMsgId'];
  return typeof id === 'string' && id.length <= 64 ? id : undefined;
}
