/**
 * How the core checks a fresh access token that a live socket presents (`renew`), without knowing
 * JWTs or cookies: the edge verifies it exactly as it verifies a handshake token.
 */
export interface SocketBinding {
  userId: string;
  sessionId: string;
}

export interface SocketCredentials {
  /**
   * Resolves the socket's new deadline (ms since the epoch): the token's expiry, never past the
   * session's absolute end. Rejects with TOKEN_INVALID when the token is not valid, belongs to
   * another user or session, or its session is no longer live (revoked, suspended, past its end).
   */
  renew(token: string, bound: SocketBinding): Promise<number>;
}
