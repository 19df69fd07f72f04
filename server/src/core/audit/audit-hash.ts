import { createHash } from 'node:crypto';
import type { LinkedAuditEntry } from '../../ports/audit-log-store.js';

/** Names the encoding inside what is hashed, so a future version can never collide with this one. */
const ENCODING = 'parley-audit-v1';

/**
 * The exact text an entry's hash covers: a JSON array in a fixed order,
 *
 *   ["parley-audit-v1", position, previousHash, at, actor, action, targetKind, targetId, reason, details]
 *
 * position is an integer, every other field a string (details is the canonical JSON text as stored).
 * JSON quotes and escapes every string and the array has a fixed length, so two entries that differ
 * in any field never encode to the same text — unlike joining fields with a separator.
 */
export function encodeAuditEntry(entry: LinkedAuditEntry): string {
  if (!Number.isSafeInteger(entry.position) || entry.position < 1) {
    throw new RangeError(`audit position must be a positive integer, not ${entry.position}`);
  }
  return JSON.stringify([
    ENCODING,
    entry.position,
    entry.previousHash,
    entry.at,
    entry.actor,
    entry.action,
    entry.target.kind,
    entry.target.id,
    entry.reason,
    entry.details,
  ]);
}

/** Lower-case hex SHA-256 of the UTF-8 encoding: the entry's `hash`. */
export function hashAuditEntry(entry: LinkedAuditEntry): string {
  return createHash('sha256').update(encodeAuditEntry(entry), 'utf8').digest('hex');
}
