import type { User } from '../../../../protocol/index.js';
import type { AuditTargetKind } from '../../ports/audit-log-store.js';
import { recordAudit } from '../audit/record-audit.js';
import type { JsonValue } from '../audit/canonical-json.js';
import type { CoreContext } from '../context.js';
import { ParleyError } from '../errors.js';

/**
 * Every moderation change is written to the audit log once it has committed (ADR 0020). If the entry
 * cannot be written the change stays (it is already a room event everyone has been told about): the
 * failure is logged with everything the entry would have held, and the request answers
 * STORE_UNAVAILABLE so the moderator knows something went wrong.
 */
export async function auditModeration(
  ctx: CoreContext,
  actor: User,
  action: string,
  target: { kind: AuditTargetKind; id: string },
  reason: string,
  details: { [key: string]: JsonValue },
): Promise<void> {
  const record = {
    at: new Date(ctx.clock.now()).toISOString(),
    actor: actor.id,
    action,
    target,
    reason,
    details,
  };
  try {
    await recordAudit(ctx.store, record);
  } catch (error) {
    ctx.logger.error({ err: error, audit: record }, 'moderation applied but its audit entry was not written');
    throw new ParleyError('STORE_UNAVAILABLE');
  }
}
