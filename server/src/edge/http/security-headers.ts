import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/**
 * Baseline security headers (helmet) with a strict CSP: scripts only from our origin, no inline
 * script, no plugins, no framing, no <base> rewriting.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  // blob: for pictures shared in rooms: the client fetches their bytes (with the Authorization
  // header, never a token in a URL) and shows them from an object URL.
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

/** A year, subdomains included; no `preload`, which an operator must choose for their domain. */
export const HSTS = { maxAge: 31_536_000, includeSubDomains: true, preload: false };

/**
 * HSTS only with COOKIE_SECURE=true, which says clients reach Parley over HTTPS: sent over plain
 * HTTP (a development server) it would be ignored, or worse, pin a name that has no TLS.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: { hsts: boolean }): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.hsts ? HSTS : false,
  });
}
