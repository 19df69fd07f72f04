import type { Clock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { SecurityEventKind, SecurityEventStore } from '../../ports/security-event-store.js';

export interface DeviceContext {
  /** SHA-256 of the device fingerprint cookie the request carried (or the edge set, at login). */
  fingerprintHash: string;
  ip: string;
  userAgent: string;
}

/**
 * Records security events. A failure to record is logged, never turned into a failure of the
 * action it describes (a logout must not fail because the audit table is locked).
 */
export class SecurityLog {
  constructor(
    private readonly store: SecurityEventStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async record(
    kind: SecurityEventKind,
    userId: string,
    sessionId: string | null,
    device: Omit<DeviceContext, 'fingerprintHash'>,
    detail?: Record<string, string | number>,
  ) {
    try {
      await this.store.appendSecurityEvent({
        userId,
        sessionId,
        kind,
        at: new Date(this.clock.now()).toISOString(),
        ip: device.ip,
        userAgent: device.userAgent.slice(0, 512),
        ...(detail ? { detail } : {}),
      });
    } catch (error) {
      this.logger.error({ err: error, kind }, 'could not record a security event');
    }
  }
}
