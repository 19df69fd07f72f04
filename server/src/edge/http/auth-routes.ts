import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import {
  CredentialsBody,
  LoginResponseSchema,
  PasswordChangeBody,
  StepUpAnswerSchema,
  StepUpBody,
  UserAnswer,
} from '../../../../protocol/index.js';
import type { Accounts } from '../../core/accounts/accounts.js';
import type { Sessions } from '../../core/accounts/sessions.js';
import type { StepUp } from '../../core/accounts/step-up.js';
import type { AccessTokens } from '../auth/access-tokens.js';
import { clearedCookies, cookieNames, readCookie, refreshCookie } from '../auth/cookies.js';
import type { DeviceCookies } from '../auth/device-cookie.js';
import { hashFingerprint, newFingerprint } from '../auth/fingerprint.js';
import { loginAnswer, tokenAnswer } from './login-answer.js';
import { identityOf } from './require-auth.js';
import { NoContent, routeSchema } from './route-schema.js';
import { admitRefresh, type RefreshLimits } from './request-limits.js';
import { validate } from './validate.js';

export interface AuthRoutesDeps {
  accounts: Accounts;
  sessions: Sessions;
  tokens: AccessTokens;
  auth: preHandlerAsyncHookHandler;
  deviceCookies: DeviceCookies;
  secureCookies: boolean;
  sessionMaxAgeSeconds: number;
  refreshTokenTtlSeconds: number;
  refreshLimits: RefreshLimits;
  stepUp: StepUp;
}

// Generous bound: a wrong kind of token (a JWT) must get REFRESH_TOKEN_INVALID, not a validation error.
const RefreshBody = z.strictObject({ refreshToken: z.string().max(4096).optional() }).optional();
const LogoutBody = z.strictObject({ allSessions: z.boolean().optional() }).optional();

const tag = 'auth';
const docs = {
  register: routeSchema({
    tag,
    summary: 'Create an account.',
    body: CredentialsBody,
    response: { 201: UserAnswer },
  }),
  login: routeSchema({
    tag,
    summary: 'Log in: tokens in the body; fingerprint, refresh and device cookies set.',
    body: CredentialsBody,
    response: { 200: LoginResponseSchema },
  }),
  refresh: routeSchema({
    tag,
    summary: 'Rotate the refresh token (body or cookie) for new tokens; the fingerprint cookie must match.',
    body: RefreshBody,
    response: { 200: LoginResponseSchema },
  }),
  logout: routeSchema({
    tag,
    summary: 'End this session, or all of mine.',
    auth: true,
    body: LogoutBody,
    response: { 204: NoContent },
  }),
  password: routeSchema({
    tag,
    summary: 'Change my password.',
    auth: true,
    body: PasswordChangeBody,
    response: { 204: NoContent },
  }),
  stepUp: routeSchema({
    tag,
    summary: 'Confirm it is me (password, and a TOTP or recovery code when TOTP is on) for sensitive actions.',
    auth: true,
    body: StepUpBody,
    response: { 200: StepUpAnswerSchema },
  }),
};

/** Register, login, refresh, logout and password change. Token answers are never cached. */
export function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): void {
  const names = cookieNames(deps.secureCookies);
  const device = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
  const presentedDevice = (request: FastifyRequest) =>
    deps.deviceCookies.verify(readCookie(request.headers.cookie, names.device));

  app.post('/api/v1/auth/register', { schema: docs.register }, async (request, reply) => {
    const { username, password } = validate(CredentialsBody, request.body);
    const user = await deps.accounts.register(username, password, request.ip);
    return reply.status(201).send({ user });
  });

  app.post('/api/v1/auth/login', { schema: docs.login }, async (request, reply) => {
    const { username, password } = validate(CredentialsBody, request.body);
    const fingerprint = newFingerprint();
    const issued = await deps.accounts.login(username, password, {
      fingerprintHash: hashFingerprint(fingerprint),
      presentedDevice: presentedDevice(request),
      ...device(request),
    });
    // A fresh device cookie at every password login, with a fresh failure allowance.
    return loginAnswer(deps, reply, issued, fingerprint);
  });

  app.post('/api/v1/auth/refresh', { schema: docs.refresh }, async (request, reply) => {
    const body = validate(RefreshBody, request.body ?? undefined);
    const presented = body?.refreshToken ?? readCookie(request.headers.cookie, names.refresh) ?? '';
    const fingerprint = readCookie(request.headers.cookie, names.fingerprint);
    const fingerprintHash = fingerprint === undefined ? undefined : hashFingerprint(fingerprint);
    // After the body's shape (a malformed request is not counted), before any lookup.
    await admitRefresh(deps.refreshLimits, request.ip, fingerprintHash);
    const issued = await deps.sessions.refresh(presented, fingerprintHash, {
      fingerprintHash: fingerprintHash ?? '',
      ...device(request),
    });
    // The cookie lives exactly as long as the token: the idle TTL, capped by the session's end.
    const secondsLeft = Math.max(0, Math.floor((Date.parse(issued.refreshTokenExpiresAt) - Date.now()) / 1000));
    return tokenAnswer(deps, reply, issued, [refreshCookie(issued.refreshToken, secondsLeft, deps.secureCookies)]);
  });

  app.post('/api/v1/auth/logout', { preHandler: deps.auth, schema: docs.logout }, async (request, reply) => {
    const body = validate(LogoutBody, request.body ?? undefined);
    const { user, sessionId } = identityOf(request);
    await deps.sessions.logout(user.id, sessionId, body?.allSessions === true, device(request));
    return (
      reply
        .status(204)
        .header('Set-Cookie', clearedCookies(deps.secureCookies))
        // Not "cookies": that would wipe the device cookie, which must outlive the session.
        .header('Clear-Site-Data', '"storage"')
        .header('Cache-Control', 'no-store')
        .send()
    );
  });

  app.post('/api/v1/auth/password', { preHandler: deps.auth, schema: docs.password }, async (request, reply) => {
    const change = validate(PasswordChangeBody, request.body);
    const { user, sessionId } = identityOf(request);
    await deps.accounts.changePassword(user.id, sessionId, change, {
      ...device(request),
      presentedDevice: presentedDevice(request),
    });
    return reply.status(204).header('Cache-Control', 'no-store').send();
  });

  app.post('/api/v1/auth/step-up', { preHandler: deps.auth, schema: docs.stepUp }, async (request, reply) => {
    const body = validate(StepUpBody, request.body);
    const { user, sessionId } = identityOf(request);
    const answer = await deps.stepUp.confirm(user.id, sessionId, body, {
      ...device(request),
      presentedDevice: presentedDevice(request),
    });
    return reply.header('Cache-Control', 'no-store').send(answer);
  });
}
