/**
 * An append-only log of security events, each belonging to one user. Nothing secret goes in:
 * no password, no token, no cookie — only what happened, when, and from where.
 */
export const SecurityEventKinds = [
  'login_succeeded',
  'login_failed',
  'refresh',
  'refresh_token_reused',
  'logout',
  'session_revoked',
  'password_changed',
  // Strong sign-in (issue 16).
  'step_up',
  'totp_enabled',
  'totp_disabled',
  'recovery_code_used',
  'second_step_failed',
  'passkey_added',
  'passkey_removed',
  'passkey_used',
  // Single sign-on (issue 17).
  'sso_linked',
  'sso_unlinked',
  'sso_code_reuse',
] as const;

export type SecurityEventKind = (typeof SecurityEventKinds)[number];

export interface SecurityEvent {
  id?: number;
  userId: string;
  sessionId: string | null;
  kind: SecurityEventKind;
  at: string;
  ip: string;
  userAgent: string;
  /** A few facts about the event, nothing secret (recovery_code_used: `{ remaining }`). */
  detail?: Record<string, string | number> | null;
}

export interface SecurityEventStore {
  appendSecurityEvent(event: SecurityEvent): Promise<void>;
  /** The user's own events, newest first. */
  listSecurityEvents(userId: string, limit: number): Promise<SecurityEvent[]>;
}
