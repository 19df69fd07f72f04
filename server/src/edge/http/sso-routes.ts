import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import {
  ChooseUsernameBody,
  ErrorCodes,
  ExchangeAnswerSchema,
  ExchangeBody,
  LinkedIdentitiesSchema,
  LoginResponseSchema,
  SsoProvidersSchema,
  type ErrorCode,
} from '../../../../protocol/index.js';
import { ParleyError, rateLimited } from '../../core/errors.js';
import { beginLink } from '../../core/sso/begin-link.js';
import { beginSignIn } from '../../core/sso/begin-sign-in.js';
import { chooseUsername } from '../../core/sso/choose-username.js';
import { completeCallback } from '../../core/sso/complete-callback.js';
import { exchange } from '../../core/sso/exchange.js';
import { listIdentities } from '../../core/sso/list-identities.js';
import { SSO_FLOW_TTL_SECONDS, type SsoContext } from '../../core/sso/sso-context.js';
import { unlink } from '../../core/sso/unlink.js';
import type { IdentityProviders } from '../../ports/identity-provider.js';
import type { Limit } from '../../ports/rate-limiter.js';
import { readCookie } from '../auth/cookies.js';
import { hashFingerprint, newFingerprint } from '../auth/fingerprint.js';
import { loginAnswer, type LoginAnswerDeps } from './login-answer.js';
import { identityOf } from './require-auth.js';
import { NoContent, routeSchema } from './route-schema.js';
import { validate } from './validate.js';

export const SSO_PREFIX = '/api/v1/auth/oidc';

export interface SsoRoutesDeps extends LoginAnswerDeps, Omit<SsoContext, 'providers'> {
  auth: preHandlerAsyncHookHandler;
  /** Undefined when no provider is configured: every route but the list answers 404. */
  oidc: { providers: IdentityProviders; publicUrl: string | undefined } | undefined;
  /** Starts, exchanges and username picks per client IP. */
  perIp: Limit;
}

const ProviderParams = z.object({ provider: z.string().min(1).max(64) });
const IdParams = z.object({ id: z.string().min(1).max(128) });
const Html = z.string().describe('An HTML page saying what failed, with the error code.');

const docs = {
  providers: routeSchema({
    tag: 'auth',
    summary: 'The single sign-on providers (empty when none is configured).',
    response: { 200: SsoProvidersSchema },
  }),
  start: routeSchema({
    tag: 'auth',
    summary: "Begin signing in at a provider: 302 to its login page; sets the browser's binding cookie.",
    params: ProviderParams,
    response: { 302: NoContent },
  }),
  callback: routeSchema({
    tag: 'auth',
    summary:
      "The provider's redirect back: 302 to /?sso=CODE (sign-in) or /?ssoLinked=ID (link), or an HTML error page.",
    params: ProviderParams,
    response: { 302: NoContent, 400: Html, 401: Html, 404: Html, 409: Html, 429: Html },
    htmlStatuses: [400, 401, 404, 409, 429],
  }),
  exchange: routeSchema({
    tag: 'auth',
    summary: 'Trade the one-time code (60 s, this browser) for tokens, as a password login, or the username step.',
    body: ExchangeBody,
    response: { 200: ExchangeAnswerSchema },
  }),
  username: routeSchema({
    tag: 'auth',
    summary: "A first sign-in's username, with the ticket of the username step: tokens, as a password login.",
    body: ChooseUsernameBody,
    response: { 200: LoginResponseSchema },
  }),
  identities: routeSchema({
    tag: 'auth',
    summary: 'My linked provider identities, oldest first.',
    auth: true,
    response: { 200: LinkedIdentitiesSchema },
  }),
  link: routeSchema({
    tag: 'auth',
    summary: 'Begin linking an identity (needs a step-up): the URL to send the browser to; sets the binding cookie.',
    auth: true,
    params: ProviderParams,
    response: { 200: z.object({ authorizationUrl: z.string() }) },
  }),
  unlink: routeSchema({
    tag: 'auth',
    summary: 'Unlink one of my identities (needs a step-up), unless it is my last way to sign in.',
    auth: true,
    params: IdParams,
    response: { 204: NoContent },
  }),
};

/** The cookie that binds a sign-in to the browser that began it (Lax: it must come back from the provider). */
export function ssoBindingCookieName(secure: boolean): string {
  return secure ? '__Secure-parley_sso' : 'parley_sso';
}

function bindingCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  const parts = [
    `${ssoBindingCookieName(secure)}=${value}`,
    `Path=${SSO_PREFIX}`,
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The callback's failure page: no script, no style (our CSP), the code visible, a way back. */
function failurePage(code: ErrorCode, status: number): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>Sign-in failed · Parley</title></head><body>',
    '<h1>Sign-in failed</h1>',
    `<p>${escapeHtml(ErrorCodes[code].message)}</p>`,
    `<p>Error code: <code>${escapeHtml(code)}</code> (HTTP ${status})</p>`,
    '<p><a href="/">Back to Parley</a></p>',
    '</body></html>',
  ].join('\n');
}

/** Single sign-on with OpenID Connect (issue 17): docs/protocol.md, docs/security.md. */
export function ssoRoutes(app: FastifyInstance, deps: SsoRoutesDeps): void {
  const cookieName = ssoBindingCookieName(deps.secureCookies);
  const via = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
  const context = (): SsoContext & { publicUrl: string | undefined } => {
    if (!deps.oidc) throw new ParleyError('SSO_PROVIDER_NOT_FOUND');
    return { ...deps, providers: deps.oidc.providers, publicUrl: deps.oidc.publicUrl };
  };
  const redirectUri = (ctx: { publicUrl: string | undefined }, request: FastifyRequest, provider: string) =>
    `${ctx.publicUrl ?? `${request.protocol}://${request.host}`}${SSO_PREFIX}/${encodeURIComponent(provider)}/callback`;
  const bindingOf = (request: FastifyRequest) => {
    const value = readCookie(request.headers.cookie, cookieName);
    return value === undefined || value === '' ? '' : hashFingerprint(value);
  };
  const admit = async (request: FastifyRequest) => {
    const state = await deps.perIp.consume(request.ip);
    if (!state.allowed) throw rateLimited(state);
  };

  app.get(`${SSO_PREFIX}/providers`, { schema: docs.providers }, (_request, reply) =>
    reply.send({ providers: deps.oidc ? [...deps.oidc.providers.list()] : [] }),
  );

  app.get(`${SSO_PREFIX}/:provider/start`, { schema: docs.start }, async (request, reply) => {
    const ctx = context();
    const { provider } = validate(ProviderParams, request.params);
    await admit(request);
    const binding = newFingerprint();
    const url = await beginSignIn(ctx, {
      provider,
      redirectUri: redirectUri(ctx, request, provider),
      bindingHash: hashFingerprint(binding),
      purpose: 'login',
      userId: null,
    });
    return reply
      .header('Set-Cookie', bindingCookie(binding, SSO_FLOW_TTL_SECONDS, deps.secureCookies))
      .header('Cache-Control', 'no-store')
      .redirect(url, 302);
  });

  app.get(`${SSO_PREFIX}/:provider/callback`, { schema: docs.callback }, async (request, reply) => {
    try {
      const ctx = context();
      const { provider } = validate(ProviderParams, request.params);
      const uri = redirectUri(ctx, request, provider);
      const query = request.raw.url?.split('?')[1] ?? '';
      const state = new URLSearchParams(query).get('state') ?? undefined;
      const outcome = await completeCallback(
        ctx,
        { provider, state, callbackUrl: `${uri}?${query}`, redirectUri: uri, bindingHash: bindingOf(request) },
        via(request),
      );
      reply.header('Cache-Control', 'no-store').header('Referrer-Policy', 'no-referrer');
      if ('linked' in outcome) {
        return await reply.redirect(`/?ssoLinked=${encodeURIComponent(outcome.linked.provider)}`, 302);
      }
      return await reply.redirect(`/?sso=${encodeURIComponent(outcome.signIn.code)}`, 302);
    } catch (error) {
      if (!(error instanceof ParleyError) || error.status >= 500) throw error;
      return reply
        .status(error.status)
        .header('Cache-Control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(failurePage(error.code, error.status));
    }
  });

  app.post(`${SSO_PREFIX}/exchange`, { schema: docs.exchange }, async (request, reply) => {
    const ctx = context();
    const { code } = validate(ExchangeBody, request.body);
    await admit(request);
    const fingerprint = newFingerprint();
    const device = { fingerprintHash: hashFingerprint(fingerprint), ...via(request) };
    const outcome = await exchange(ctx, code, bindingOf(request), device);
    if ('chooseUsername' in outcome) return reply.header('Cache-Control', 'no-store').send(outcome);
    return loginAnswer(deps, reply, outcome, fingerprint, [bindingCookie('', 0, deps.secureCookies)]);
  });

  app.post(`${SSO_PREFIX}/username`, { schema: docs.username }, async (request, reply) => {
    const ctx = context();
    const body = validate(ChooseUsernameBody, request.body);
    await admit(request);
    const fingerprint = newFingerprint();
    const device = { fingerprintHash: hashFingerprint(fingerprint), ...via(request) };
    const issued = await chooseUsername(ctx, body, bindingOf(request), device);
    return loginAnswer(deps, reply, issued, fingerprint, [bindingCookie('', 0, deps.secureCookies)]);
  });

  app.get('/api/v1/me/identities', { preHandler: deps.auth, schema: docs.identities }, async (request, reply) => {
    const identities = await listIdentities(context(), identityOf(request).user.id);
    return reply.header('Cache-Control', 'no-store').send({ identities });
  });

  app.post('/api/v1/me/identities/:provider', { preHandler: deps.auth, schema: docs.link }, async (request, reply) => {
    const ctx = context();
    const { provider } = validate(ProviderParams, request.params);
    const { user, sessionId } = identityOf(request);
    const binding = newFingerprint();
    const authorizationUrl = await beginLink(ctx, {
      userId: user.id,
      sessionId,
      provider,
      redirectUri: redirectUri(ctx, request, provider),
      bindingHash: hashFingerprint(binding),
    });
    return reply
      .header('Set-Cookie', bindingCookie(binding, SSO_FLOW_TTL_SECONDS, deps.secureCookies))
      .header('Cache-Control', 'no-store')
      .send({ authorizationUrl });
  });

  app.delete('/api/v1/me/identities/:id', { preHandler: deps.auth, schema: docs.unlink }, async (request, reply) => {
    const { id } = validate(IdParams, request.params);
    const { user, sessionId } = identityOf(request);
    await unlink(context(), user.id, sessionId, id, via(request));
    return reply.status(204).send();
  });
}
