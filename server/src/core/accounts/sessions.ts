import { timingSafeEqual } from 'node:crypto';
import type { User } from '../../../../protocol/index.js';
import type { Clock } from '../../ports/clock.js';
import { noMetrics, type Metrics } from '../../ports/metrics.js';
import type { SessionScope, Store, StoredSession } from '../../ports/store.js';
import { ParleyError, refusedWith } from '../errors.js';
import { toUser } from '../events.js';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_PATTERN } from './refresh-tokens.js';
import { LiveSessionCache } from './live-session-cache.js';
import type { DeviceContext, SecurityLog } from './security-log.js';
import { requireRecentProof } from './step-up.js';

export interface SessionLimits {
  /** Idle lifetime of a refresh token, in seconds (REFRESH_TOKEN_TTL). */
  refreshTokenTtlSeconds: number;
  /** Absolute lifetime of a session from login, in seconds (SESSION_MAX_AGE). */
  sessionMaxAgeSeconds: number;
  /** How long a live-session lookup may be reused, in ms; 0 looks every call up (SESSION_CACHE_MS). */
  liveSessionCacheMs?: number;
}

export interface SessionsDeps {
  store: Store;
  clock: Clock;
  securityLog: SecurityLog;
  limits: SessionLimits;
  /** Closes every live socket of these sessions, on every node (ChatCore.endSessions). */
  endSessions(sessionIds: string[]): void;
  /** Closes every socket of a suspended user with 4403, on every node (ChatCore.closeSuspendedUser). */
  closeSuspendedUser(userId: string, revokedSessionIds: string[]): void;
  newId(): string;
  /** Counts revocations and refresh-token reuse; default nothing. */
  metrics?: Metrics;
}

/** What a login or a refresh hands the edge to turn into tokens and cookies. */
export interface IssuedSession {
  user: User;
  session: StoredSession;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export interface SessionView {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string;
  userAgent: string;
  current: boolean;
}

/** last_seen_at is written at most this often per session, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Sessions an attacker cannot keep. Refresh tokens rotate on every use; presenting a spent one
 * revokes its whole family and closes the family's sockets. Revocation is keyed on the session id,
 * which every access token names, so it bites on the very next request.
 */
export class Sessions {
  private readonly cache: LiveSessionCache;
  private readonly metrics: Metrics;

  constructor(private readonly deps: SessionsDeps) {
    this.cache = new LiveSessionCache(deps.limits.liveSessionCacheMs ?? 0);
    this.metrics = deps.metrics ?? noMetrics;
  }

  async open(user: User, device: DeviceContext): Promise<IssuedSession> {
    const now = this.deps.clock.now();
    const id = this.deps.newId();
    const session: StoredSession = {
      id,
      userId: user.id,
      familyId: id,
      fingerprintHash: device.fingerprintHash,
      createdAt: iso(now),
      lastSeenAt: iso(now),
      expiresAt: iso(now + this.deps.limits.sessionMaxAgeSeconds * 1000),
      ip: device.ip,
      userAgent: device.userAgent.slice(0, 512),
      revokedAt: null,
      revokedReason: null,
      // Every way in (password with every factor, passkey) is a proof of who holds the session.
      proofAt: iso(now),
    };
    const refresh = newRefreshToken();
    const refreshTokenExpiresAt = this.refreshExpiry(now, session);
    await this.deps.store.createSession(session, {
      tokenHash: refresh.hash,
      sessionId: id,
      familyId: id,
      createdAt: iso(now),
      expiresAt: refreshTokenExpiresAt,
      spentAt: null,
    });
    return { user, session, refreshToken: refresh.token, refreshTokenExpiresAt };
  }

  /**
   * Spends a refresh token and issues its successor. A spent token means the family leaked (or a
   * client raced itself): the whole family is revoked. The token is not spent when the device
   * cookie does not match, so a thief without the cookie cannot burn the owner's session either.
   */
  async refresh(
    presented: string,
    presentedFingerprintHash: string | undefined,
    device: DeviceContext,
  ): Promise<IssuedSession> {
    if (!REFRESH_TOKEN_PATTERN.test(presented)) throw new ParleyError('REFRESH_TOKEN_INVALID');
    const now = this.deps.clock.now();
    const token = await this.deps.store.findRefreshToken(hashRefreshToken(presented));
    if (!token) throw new ParleyError('REFRESH_TOKEN_INVALID');
    const session = await this.deps.store.findSession(token.sessionId);
    if (!session) throw new ParleyError('REFRESH_TOKEN_INVALID');
    // A spent token means the family leaked, whoever presents it: check before the device cookie.
    if (token.spentAt !== null) return this.reuseDetected(token.familyId, session, device);
    if (!sameHash(presentedFingerprintHash, session.fingerprintHash)) throw new ParleyError('FINGERPRINT_MISMATCH');
    const user = await this.deps.store.findUserById(session.userId);
    if (!user) throw new ParleyError('REFRESH_TOKEN_INVALID');
    // Before the liveness check: the suspension ended this session, and the device that held it
    // (it passed the fingerprint) should hear why, not "log in again".
    if (user.suspension) throw refusedWith('ACCOUNT_SUSPENDED', { reason: user.suspension.reason });
    if (!isLive(session, now) || token.expiresAt <= iso(now)) throw new ParleyError('REFRESH_TOKEN_INVALID');

    const successor = newRefreshToken();
    const refreshTokenExpiresAt = this.refreshExpiry(now, session);
    const outcome = await this.deps.store.rotateRefreshToken(
      token.tokenHash,
      {
        tokenHash: successor.hash,
        sessionId: session.id,
        familyId: token.familyId,
        createdAt: iso(now),
        expiresAt: refreshTokenExpiresAt,
        spentAt: null,
      },
      iso(now),
    );
    // Lost a race with another refresh of the same token: that is a replay too.
    if (outcome === 'already-spent') return this.reuseDetected(token.familyId, session, device);

    await this.deps.store.touchSession(session.id, iso(now));
    await this.deps.securityLog.record('refresh', session.userId, session.id, device);
    return { user: toUser(user), session, refreshToken: successor.token, refreshTokenExpiresAt };
  }

  /** The session behind an access token, if it is still live. Touches last-seen now and then. */
  async active(sessionId: string, userId: string): Promise<{ user: User; session: StoredSession } | undefined> {
    const now = this.deps.clock.now();
    const cached = this.cache.get(sessionId, now);
    if (cached) return cached.session.userId === userId && isLive(cached.session, now) ? cached : undefined;
    const generation = this.cache.generation();
    const session = await this.deps.store.findSession(sessionId);
    if (!session || session.userId !== userId || !isLive(session, now)) return undefined;
    const user = await this.deps.store.findUserById(userId);
    // Suspension revokes every session; this also refuses one opened by a login that raced it.
    if (!user || user.suspension) return undefined;
    if (now - Date.parse(session.lastSeenAt) > TOUCH_INTERVAL_MS) {
      await this.deps.store.touchSession(session.id, iso(now));
    }
    const live = { user: toUser(user), session };
    this.cache.set(sessionId, live, now, generation);
    return live;
  }

  /** Another node ended these sessions (the bus said so): stop trusting what we remembered. */
  forget(sessionIds: string[]): void {
    this.cache.forget(sessionIds);
  }

  async list(userId: string, currentSessionId: string): Promise<SessionView[]> {
    const sessions = await this.deps.store.listLiveSessions(userId, iso(this.deps.clock.now()));
    return sessions.map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      expiresAt: s.expiresAt,
      ip: s.ip,
      userAgent: s.userAgent,
      current: s.id === currentSessionId,
    }));
  }

  /** Revokes one of the user's own sessions. Someone else's id answers exactly like a missing one. */
  async revokeOwn(userId: string, sessionId: string, device: Omit<DeviceContext, 'fingerprintHash'>): Promise<void> {
    const session = await this.deps.store.findSession(sessionId);
    if (!session || session.userId !== userId || !isLive(session, this.deps.clock.now())) {
      throw new ParleyError('SESSION_NOT_FOUND');
    }
    await this.revoke({ sessionId }, 'session_revoked', userId, device);
  }

  async logout(
    userId: string,
    sessionId: string,
    allSessions: boolean,
    device: Omit<DeviceContext, 'fingerprintHash'>,
  ) {
    // Ending every session is sensitive: a stolen session must not lock its owner out.
    if (allSessions) await requireRecentProof(this.deps, sessionId);
    await this.revoke(allSessions ? { userId } : { sessionId }, 'logout', userId, device);
  }

  /** Revokes, closes the sockets at once (on every node), and records one event per session. */
  async revoke(
    scope: SessionScope,
    reason: 'logout' | 'session_revoked' | 'password_changed' | 'refresh_token_reused',
    userId: string,
    device: Omit<DeviceContext, 'fingerprintHash'>,
  ): Promise<string[]> {
    const revoked = await this.deps.store.revokeSessions(scope, iso(this.deps.clock.now()), reason);
    this.cache.forget(revoked);
    if (revoked.length > 0) this.metrics.revocation(reason, revoked.length);
    if (revoked.length > 0) this.deps.endSessions(revoked);
    const kind = reason === 'logout' ? 'logout' : 'session_revoked';
    // One event per ended session, naming that session (the device fields say where it was ended from).
    for (const id of revoked) await this.deps.securityLog.record(kind, userId, id, device);
    return revoked;
  }

  /**
   * A suspended account: revokes every session of the user and closes all their sockets with 4403
   * on every node (not 4401: the client must stop, not refresh). Records one event per session.
   */
  async endForSuspension(userId: string, device: Omit<DeviceContext, 'fingerprintHash'>): Promise<string[]> {
    const revoked = await this.deps.store.revokeSessions({ userId }, iso(this.deps.clock.now()), 'account_suspended');
    this.cache.forget(revoked);
    if (revoked.length > 0) this.metrics.revocation('account_suspended', revoked.length);
    // Whatever was revoked now: a socket may outlive its session, and a login may have raced us.
    this.deps.closeSuspendedUser(userId, revoked);
    for (const id of revoked) await this.deps.securityLog.record('session_revoked', userId, id, device);
    return revoked;
  }

  /** Deletes expired tokens and long-ended sessions in small batches; answers rows deleted. */
  async cleanupBatch(batchSize: number, retentionDays: number): Promise<number> {
    const now = this.deps.clock.now();
    return this.deps.store.deleteExpired(iso(now), iso(now - retentionDays * 86_400_000), batchSize);
  }

  private async reuseDetected(familyId: string, session: StoredSession, device: DeviceContext): Promise<never> {
    this.metrics.refreshReuse();
    await this.deps.securityLog.record('refresh_token_reused', session.userId, session.id, device);
    await this.revoke({ familyId }, 'refresh_token_reused', session.userId, device);
    throw new ParleyError('REFRESH_TOKEN_REUSED');
  }

  private refreshExpiry(now: number, session: StoredSession): string {
    const idle = iso(now + this.deps.limits.refreshTokenTtlSeconds * 1000);
    return idle < session.expiresAt ? idle : session.expiresAt;
  }
}

function isLive(session: StoredSession, now: number): boolean {
  return session.revokedAt === null && session.expiresAt > iso(now);
}

function sameHash(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const iso = (ms: number) => new Date(ms).toISOString();
