import {
  AuditTargetKinds,
  CLI_ACTOR,
  type AuditEntry,
  type AuditLogStore,
  type AuditTargetKind,
} from '../../ports/audit-log-store.js';
import { hashAuditEntry } from './audit-hash.js';
import { canonicalJson, NotCanonicalJsonError, type JsonValue } from './canonical-json.js';
import { isWellFormed } from '../../../../protocol/message-text.js';

/** Bounds of one entry: the log records decisions, not payloads. */
export const AuditLimits = {
  ACTOR_MAX_CHARS: 100,
  ACTION_MAX_CHARS: 64,
  TARGET_ID_MAX_CHARS: 200,
  REASON_MAX_CHARS: 500,
  /** UTF-8 bytes of the details' canonical JSON text. */
  DETAILS_MAX_BYTES: 4096,
} as const;

/** `user.suspend`, `room.member.kick`: lower-case words joined by dots. */
const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface AuditRecord {
  at: string;
  /** The acting user's id, or CLI_ACTOR. */
  actor: string;
  action: string;
  target: { kind: AuditTargetKind; id: string };
  reason?: string;
  details?: { [key: string]: JsonValue };
}

/** An entry the caller built wrongly (a bug, never user input that reached here unchecked). */
export class InvalidAuditEntryError extends Error {
  override name = 'InvalidAuditEntryError';
  constructor(
    readonly field: string,
    problem: string,
  ) {
    super(`audit entry ${field}: ${problem}`);
  }
}

/** Checks the record, then appends it to the chain: the only way entries are made. */
export async function recordAudit(store: AuditLogStore, record: AuditRecord): Promise<AuditEntry> {
  const details = checkAuditRecord(record);
  return store.appendAuditEntry(
    {
      at: record.at,
      actor: record.actor,
      action: record.action,
      target: { kind: record.target.kind, id: record.target.id },
      reason: record.reason ?? '',
      details,
    },
    hashAuditEntry,
  );
}

/** Throws InvalidAuditEntryError naming the first bad field; returns the details' canonical text. */
export function checkAuditRecord(record: AuditRecord): string {
  if (
    typeof record.at !== 'string' ||
    Number.isNaN(Date.parse(record.at)) ||
    new Date(record.at).toISOString() !== record.at
  )
    throw new InvalidAuditEntryError('at', 'must be an ISO 8601 UTC time as toISOString() writes it');
  if (record.actor !== CLI_ACTOR) text('actor', record.actor, 1, AuditLimits.ACTOR_MAX_CHARS);
  text('action', record.action, 1, AuditLimits.ACTION_MAX_CHARS);
  if (!ACTION_PATTERN.test(record.action))
    throw new InvalidAuditEntryError('action', 'must be lower-case words joined by dots, e.g. user.suspend');
  if (!(AuditTargetKinds as readonly string[]).includes(record.target.kind))
    throw new InvalidAuditEntryError('target.kind', `must be one of ${AuditTargetKinds.join(', ')}`);
  text('target.id', record.target.id, 1, AuditLimits.TARGET_ID_MAX_CHARS);
  const reason = record.reason ?? '';
  if (typeof reason !== 'string' || reason.length > AuditLimits.REASON_MAX_CHARS)
    throw new InvalidAuditEntryError('reason', `must be text of at most ${AuditLimits.REASON_MAX_CHARS} characters`);
  // A lone surrogate is stored as U+FFFD (and PostgreSQL refuses U+0000): the stored entry would no
  // longer give the hash computed here, and verification would report an untouched entry as changed.
  if (!isWellFormed(reason))
    throw new InvalidAuditEntryError('reason', 'must be well-formed text (no lone surrogate, no U+0000)');
  if (
    record.details !== undefined &&
    (typeof record.details !== 'object' || record.details === null || Array.isArray(record.details))
  )
    throw new InvalidAuditEntryError('details', 'must be an object');
  let details: string;
  try {
    details = canonicalJson(record.details ?? {});
  } catch (error) {
    if (error instanceof NotCanonicalJsonError) throw new InvalidAuditEntryError('details', error.message);
    throw error;
  }
  if (Buffer.byteLength(details, 'utf8') > AuditLimits.DETAILS_MAX_BYTES)
    throw new InvalidAuditEntryError('details', `must be at most ${AuditLimits.DETAILS_MAX_BYTES} bytes as JSON`);
  return details;
}

function text(field: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'string' || value.length < min || value.length > max || CONTROL.test(value))
    throw new InvalidAuditEntryError(field, `must be ${min}-${max} characters without control characters`);
}
