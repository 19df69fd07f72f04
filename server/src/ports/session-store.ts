/**
 * Sessions and their refresh tokens. A login opens a session and a token family (the family id is
 * the first session's id); every refresh spends the presented token and stores its successor.
 *
 * Guarantees:
 * - `rotateRefreshToken` is atomic: of any number of concurrent calls with one token, exactly one
 *   answers 'rotated'; the rest answer 'already-spent' and store nothing.
 * - `revokeSessions` answers the ids it revoked now; sessions already revoked are not repeated.
 */
export interface StoredSession {
  id: string;
  userId: string;
  /** The token family: every session revoked together when a spent refresh token is replayed. */
  familyId: string;
  /** SHA-256 (base64url) of the device fingerprint cookie. */
  fingerprintHash: string;
  createdAt: string;
  lastSeenAt: string;
  /** Absolute end of the session (SESSION_MAX_AGE after login), whatever the refreshes. */
  expiresAt: string;
  ip: string;
  userAgent: string;
  revokedAt: string | null;
  revokedReason: string | null;
  /**
   * When this session last proved who holds it (a login with every factor the account has, or a
   * step-up): sensitive actions need it recent (core/accounts/step-up.ts). Reads fill it; null: never.
   */
  proofAt?: string | null;
}

export interface StoredRefreshToken {
  /** SHA-256 (base64url) of the token; the token itself is never stored. */
  tokenHash: string;
  sessionId: string;
  familyId: string;
  createdAt: string;
  /** Idle expiry: REFRESH_TOKEN_TTL after issue, never past the session's own end. */
  expiresAt: string;
  spentAt: string | null;
}

export type SessionScope = { sessionId: string } | { familyId: string } | { userId: string; exceptSessionId?: string };

export interface SessionStore {
  createSession(session: StoredSession, firstToken: StoredRefreshToken): Promise<void>;
  findSession(id: string): Promise<StoredSession | undefined>;
  /** Sessions neither revoked nor past their absolute end, newest first. */
  listLiveSessions(userId: string, now: string): Promise<StoredSession[]>;
  touchSession(id: string, at: string): Promise<void>;
  /** Records a fresh proof of identity on a session (a step-up); a later one replaces it. */
  recordSessionProof(id: string, at: string): Promise<void>;
  revokeSessions(scope: SessionScope, at: string, reason: string): Promise<string[]>;

  findRefreshToken(tokenHash: string): Promise<StoredRefreshToken | undefined>;
  rotateRefreshToken(
    spentHash: string,
    successor: StoredRefreshToken,
    at: string,
  ): Promise<'rotated' | 'already-spent'>;

  /**
   * Deletes at most `batchSize` rows that no longer matter: refresh tokens past their expiry and
   * sessions that ended before `sessionCutoff` (with their tokens), and expired second-step tickets. Answers how many it deleted, so
   * the caller can loop without holding the database for long.
   */
  deleteExpired(now: string, sessionCutoff: string, batchSize: number): Promise<number>;
}
