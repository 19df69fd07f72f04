import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Clock } from '../../ports/clock.js';
import { ParleyError } from '../../core/errors.js';

const ISSUER = 'parley';
const AUDIENCE = 'parley';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  /** SHA-256 (base64url) of the device fingerprint cookie. */
  fingerprintHash: string;
  tokenId: string;
}

/**
 * Short-lived JWT access tokens (jose, HS256 pinned). Verification checks signature, algorithm,
 * iss, aud, exp, nbf and the presence of every claim we rely on. Revocation is decided elsewhere,
 * by session id — never by comparing token strings, which jose does not treat as canonical.
 */
export class AccessTokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(claims: Omit<AccessClaims, 'tokenId'>): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(this.clock.now() / 1000);
    const expiresAt = new Date((now + this.ttlSeconds) * 1000);
    const token = await new SignJWT({ sid: claims.sessionId, fph: claims.fingerprintHash })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(claims.userId)
      .setJti(globalThis.crypto.randomUUID())
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + this.ttlSeconds)
      .sign(this.key);
    return { token, expiresAt };
  }

  /** Resolves the claims or rejects with TOKEN_INVALID; never says which check failed. */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        issuer: ISSUER,
        audience: AUDIENCE,
        requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp', 'sid', 'fph'],
        currentDate: new Date(this.clock.now()),
      });
      const { sub, jti, sid, fph } = payload;
      if (typeof sub !== 'string' || typeof jti !== 'string' || typeof sid !== 'string' || typeof fph !== 'string') {
        throw new ParleyError('TOKEN_INVALID');
      }
      return { userId: sub, sessionId: sid, fingerprintHash: fph, tokenId: jti };
    } catch (error) {
      if (error instanceof ParleyError || error instanceof joseErrors.JOSEError || error instanceof TypeError) {
        throw new ParleyError('TOKEN_INVALID');
      }
      throw error;
    }
  }
}
