import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import {
  CredentialsBody,
  LoginAnswerSchema,
  LoginResponseSchema,
  SecondStepBody,
  PasswordChangeBody,
  StepUpAnswerSchema,
  StepUpBody,
  UserAnswer,
} from '../../../../protocol/index.js';
import type { Accounts } from '../../core/accounts/accounts.js';
import type { Sessions } from '../../core/accounts/sessions.js';
import type { StepUp } from '../../core/accounts/step-up.js';
import type { SecondStep } from '../../core/accounts/factors/second-step.js';
import type { AccessTokens } from '../auth/access-tokens.js';
import { clearedCookies, cookieNames, deviceCookie, readCookie, refreshCookie } from '../auth/cookies.js';
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
  secondStep: SecondStep;
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
    summary:
      'Log in: tokens in the body; fingerprint, refresh and device cookies set. With TOTP on: only a ticket for the second step (and the device cookie).',
    body: CredentialsBody,
    response: { 200: LoginAnswerSchema },
  }),
  secondStep: routeSchema({
    tag,
    summary: 'Finish a login with TOTP on: the ticket and a TOTP code or a recovery code, from the same browser.',
    body: SecondStepBody,
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
    const outcome = await deps.accounts.login(username, password, {
      fingerprintHash: hashFingerprint(fingerprint),
      presentedDevice: presentedDevice(request),
      ...device(request),
    });
    if ('needsSecondStep' in outcome) {
      // No session yet: only the device cookie, which the ticket is bound to.
      const cookie = deps.deviceCookies.issue(outcome.needsSecondStep.id);
      const secondStep = await deps.secondStep.begin(outcome.needsSecondStep.id, hashFingerprint(cookie));
      return reply
        .header('Set-Cookie', [deviceCookie(cookie, deps.secureCookies)])
        .header('Cache-Control', 'no-store')
        .send({ secondStep });
    }
    return loginAnswer(deps, reply, outcome, fingerprint);
  });

  app.post('/api/v1/auth/login/second-step', { schema: docs.secondStep }, async (request, reply) => {
    const body = validate(SecondStepBody, request.body);
    const fingerprint = newFingerprint();
    const presentedCookie = readCookie(request.headers.cookie, names.device);
    const issued = await deps.secondStep.complete(
      body.ticket,
      'code' in body ? { code: body.code } : { recoveryCode: body.recoveryCode },
      presentedCookie === undefined ? undefined : hashFingerprint(presentedCookie),
      { fingerprintHash: hashFingerprint(fingerprint), presentedDevice: presentedDevice(request), ...device(request) },
    );
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
