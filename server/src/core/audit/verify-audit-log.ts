import { GENESIS_HASH, type AuditHead, type AuditLogStore } from '../../ports/audit-log-store.js';
import { hashAuditEntry } from './audit-hash.js';

/**
 * What the verifier found wrong first:
 * - changed:   the entry's fields no longer give its hash (edited after it was written);
 * - removed:   a position is missing — the entry there was deleted;
 * - reordered: the entry does not link to the one before it (its previous hash differs), with no gap:
 *              entries were swapped or moved, or one was replaced by another;
 * - truncated: the log ends before the head the store moved with the last append — entries were
 *              deleted from the end.
 */
export type AuditProblem = 'changed' | 'removed' | 'reordered' | 'truncated';

export type AuditVerdict =
  | { ok: true; entries: number; head: AuditHead }
  | { ok: false; position: number; problem: AuditProblem; explanation: string };

/** Entries read per query while walking the chain. */
const PAGE = 500;

/**
 * Walks the chain from entry 1 to the head, in position order, recomputing every hash. Reads the head
 * first and stops there, so appends that land during the walk are neither checked nor mistaken for
 * damage. Detects any change, removal or reordering behind the Store's back — except a rewrite of the
 * whole chain from the damage to the head, head included, which no chain kept beside its data can
 * catch (ADR 0019: anchor the head elsewhere for that).
 */
export async function verifyAuditLog(
  store: Pick<AuditLogStore, 'auditEntriesAfter' | 'auditHead'>,
): Promise<AuditVerdict> {
  const head = await store.auditHead();
  let expected = 1;
  let previousHash = GENESIS_HASH;
  while (expected <= head.position) {
    const page = await store.auditEntriesAfter(expected - 1, Math.min(PAGE, head.position - expected + 1));
    if (page.length === 0) break;
    for (const entry of page) {
      if (entry.position !== expected) {
        return fail(
          expected,
          'removed',
          `entry ${expected} is missing: the entry after ${expected - 1} is ${entry.position}`,
        );
      }
      if (entry.previousHash !== previousHash) {
        return fail(
          entry.position,
          'reordered',
          `entry ${entry.position} does not follow entry ${entry.position - 1}: its previous hash ${short(entry.previousHash)} ` +
            `is not ${short(previousHash)} (entries were swapped, moved or replaced)`,
        );
      }
      if (hashAuditEntry(entry) !== entry.hash) {
        return fail(
          entry.position,
          'changed',
          `entry ${entry.position} does not match its hash: it was changed after it was written`,
        );
      }
      previousHash = entry.hash;
      expected += 1;
    }
  }
  if (expected <= head.position) {
    return fail(
      expected,
      'truncated',
      `entry ${expected} is missing: the log ends at entry ${expected - 1} but recorded ${head.position} entries`,
    );
  }
  if (previousHash !== head.hash) {
    return fail(
      head.position,
      'changed',
      `entry ${head.position} does not match the hash recorded for the newest entry: it was changed after it was written`,
    );
  }
  return { ok: true, entries: head.position, head };
}

function fail(position: number, problem: AuditProblem, explanation: string): AuditVerdict {
  return { ok: false, position, problem, explanation };
}

function short(hash: string): string {
  return hash.length > 12 ? `${hash.slice(0, 12)}…` : hash;
}
