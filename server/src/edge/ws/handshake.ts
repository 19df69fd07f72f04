import type { IncomingMessage } from 'node:http';
import { AUTH_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from '../../../../protocol/index.js';
import { ParleyError } from '../../core/errors.js';
import { bearerToken } from '../auth/authenticate.js';

/**
 * What the upgrade request offers, checked before any upgrade: no token in the URL, an allowed
 * Origin (when a browser sends one), and exactly one way of presenting the token.
 */
export interface HandshakeOffer {
  token: string | undefined;
  offersSubprotocols: boolean;
}

/** The only WebSocket version we speak (RFC 6455); `ws` would also upgrade 8, a draft. */
export const WS_VERSION = '13';
const KEY_PATTERN = /^[A-Za-z0-9+/]{22}==$/;

/**
 * The upgrade request is a WebSocket handshake at all (RFC 6455 §4.2.1), checked before
 * authentication so that every refusal, these included, is our JSON error and not `ws`'s own
 * plain-text answer.
 */
export function checkUpgradeRequest(request: IncomingMessage): void {
  if (request.method !== 'GET') throw new ParleyError('BAD_REQUEST', 'A WebSocket handshake is a GET request.');
  if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    throw new ParleyError('BAD_REQUEST', 'Upgrade: websocket is required.');
  }
  if (request.headers['sec-websocket-version'] !== WS_VERSION) throw new ParleyError('WS_VERSION_UNSUPPORTED');
  const key = request.headers['sec-websocket-key'];
  if (key === undefined || !KEY_PATTERN.test(key.trim())) {
    throw new ParleyError('BAD_REQUEST', 'Sec-WebSocket-Key must be 16 random bytes in base64.');
  }
}

const QUERY_TOKEN_KEYS = ['token', 'access_token', 'accesstoken', 'jwt', 'auth', 'authorization'];

export function readHandshake(request: IncomingMessage, allowedOrigins: ReadonlySet<string>): HandshakeOffer {
  const url = new URL(request.url ?? '/', 'http://placeholder');
  for (const key of url.searchParams.keys()) {
    if (QUERY_TOKEN_KEYS.includes(key.toLowerCase())) throw new ParleyError('TOKEN_IN_QUERY');
  }

  const origin = request.headers.origin;
  if (origin !== undefined && !allowedOrigins.has(origin)) throw new ParleyError('ORIGIN_NOT_ALLOWED');

  const protocols = parseSubprotocols(request.headers['sec-websocket-protocol']);
  const authProtocols = protocols.filter((p) => p.startsWith(AUTH_SUBPROTOCOL_PREFIX));
  if (protocols.length > 0 && !protocols.includes(SUBPROTOCOL)) {
    throw new ParleyError('BAD_REQUEST', `Offer the "${SUBPROTOCOL}" subprotocol.`);
  }
  if (authProtocols.length > 1) throw new ParleyError('BAD_REQUEST', 'Offer one auth subprotocol at most.');
  const fromProtocol = authProtocols[0]?.slice(AUTH_SUBPROTOCOL_PREFIX.length);
  const fromHeader = bearerToken(request.headers.authorization);
  if (fromProtocol !== undefined && fromHeader !== undefined) {
    throw new ParleyError('BAD_REQUEST', 'Send the token once: subprotocol or Authorization header.');
  }
  return { token: fromProtocol ?? fromHeader, offersSubprotocols: protocols.length > 0 };
}

export function parseSubprotocols(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
