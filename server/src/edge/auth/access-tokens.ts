import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Clock } from '../../ports/clock.js';
import { ParleyError } from '../../core/errors.js';

type HmacKey = webcrypto.CryptoKey;

const ISSUER = 'parley';
const AUDIENCE = 'parley';
const ALGORITHM = 'HS256';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  /** SHA-256 (base64url) of the device fingerprint cookie. */
  fingerprintHash: string;
  tokenId: string;
  /** When the token expires (its `exp`), in ms since the epoch. */
  expiresAt: number;
}

/**
 * Short-lived JWT access tokens (jose, HS256 pinned). Verification checks signature, algorithm,
 * iss, aud, exp, nbf and the presence of every claim we rely on. Revocation is decided elsewhere,
 * by session id — never by comparing token strings, which jose does not treat as canonical.
 */
export class AccessTokens {
  /**
   * HMAC keys imported once: with raw bytes jose would import the key again for every token, which
   * showed in the connect benchmark's profile.
   */
  private readonly key: Promise<HmacKey>;
  /** Keys that still verify (JWT_SECRET_PREVIOUS during a rotation); new tokens use `key` only. */
  private readonly verifyKeys: Promise<HmacKey>[];

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly clock: Clock,
    previousSecret?: string,
  ) {
    this.key = importHmacKey(secret);
    this.verifyKeys = previousSecret === undefined ? [this.key] : [this.key, importHmacKey(previousSecret)];
  }

  async sign(claims: Omit<AccessClaims, 'tokenId' | 'expiresAt'>): Promise<{ token: string; expiresAt: Date }> {
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
      .sign(await this.key);
    return { token, expiresAt };
  }

  /** Resolves the claims or rejects with TOKEN_INVALID; never says which check failed. */
  async verify(token: string): Promise<AccessClaims> {
    for (const [index, key] of this.verifyKeys.entries()) {
      try {
        return await this.verifyWith(token, await key);
      } catch (error) {
        const wrongKey = error instanceof joseErrors.JWSSignatureVerificationFailed;
        if (!wrongKey || index === this.verifyKeys.length - 1) throw toTokenInvalid(error);
      }
    }
    throw new ParleyError('TOKEN_INVALID');
  }

  private async verifyWith(token: string, key: HmacKey): Promise<AccessClaims> {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: ISSUER,
      audience: AUDIENCE,
      requiredClaims: ['sub', 'jti', 'iat', 'nbf', 'exp', 'sid', 'fph'],
      currentDate: new Date(this.clock.now()),
    });
    const { sub, jti, sid, fph, exp } = payload;
    if (typeof sub !== 'string' || typeof jti !== 'string' || typeof sid !== 'string' || typeof fph !== 'string') {
      throw new ParleyError('TOKEN_INVALID');
    }
    // jose has checked that exp is a number in the future.
    return { userId: sub, sessionId: sid, fingerprintHash: fph, tokenId: jti, expiresAt: (exp ?? 0) * 1000 };
  }
}

/** An HS256 key usable only to sign and verify, not extractable. */
function importHmacKey(secret: string): Promise<HmacKey> {
  const bytes = new TextEncoder().encode(secret);
  return webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

function toTokenInvalid(error: unknown): unknown {
  if (error instanceof ParleyError || error instanceof joseErrors.JOSEError || error instanceof TypeError) {
    return new ParleyError('TOKEN_INVALID');
  }
  return error;
}
