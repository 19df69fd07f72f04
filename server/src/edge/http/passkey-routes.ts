import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import {
  LoginResponseSchema,
  PASSKEY_CHALLENGE_TTL_SECONDS,
  PasskeyCeremonyBody,
  PasskeyOptionsAnswer,
  PasskeyRegisterBody,
  PasskeyRenameBody,
  PasskeyViewSchema,
  ProofAnswer,
} from '../../../../protocol/index.js';
import { rateLimited } from '../../core/errors.js';
import { beginRegistration } from '../../core/passkeys/begin-registration.js';
import { beginSignIn } from '../../core/passkeys/begin-sign-in.js';
import { beginStepUp } from '../../core/passkeys/begin-step-up.js';
import { finishRegistration } from '../../core/passkeys/finish-registration.js';
import { finishSignIn } from '../../core/passkeys/finish-sign-in.js';
import { finishStepUp } from '../../core/passkeys/finish-step-up.js';
import { listPasskeys } from '../../core/passkeys/list-passkeys.js';
import { removePasskey } from '../../core/passkeys/remove-passkey.js';
import { renamePasskey } from '../../core/passkeys/rename-passkey.js';
import { relyingPartyOf, type PasskeyContext } from '../../core/passkeys/passkey-context.js';
import type { Limit } from '../../ports/rate-limiter.js';
import { passkeyCeremonyCookie, passkeyCeremonyCookieName, readCookie } from '../auth/cookies.js';
import { hashFingerprint, newFingerprint } from '../auth/fingerprint.js';
import { loginAnswer, type LoginAnswerDeps } from './login-answer.js';
import { identityOf } from './require-auth.js';
import { NoContent, routeSchema } from './route-schema.js';
import { validate } from './validate.js';

export interface PasskeyRoutesDeps extends LoginAnswerDeps {
  passkeys: PasskeyContext;
  auth: preHandlerAsyncHookHandler;
  /** Passkey sign-in attempts (options and verify) per client IP: each options call writes a row. */
  signInPerIp: Limit;
}

const PasskeyParams = z.object({ id: z.string().min(1).max(1024) });
const PasskeyAnswer = z.object({ passkey: PasskeyViewSchema });

const docs = {
  registerOptions: routeSchema({
    tag: 'passkeys',
    summary: 'Begin adding a passkey: options for navigator.credentials.create, valid 5 minutes, this session only.',
    auth: true,
    response: { 200: PasskeyOptionsAnswer },
  }),
  register: routeSchema({
    tag: 'passkeys',
    summary: "Finish adding a passkey with the authenticator's answer.",
    auth: true,
    body: PasskeyRegisterBody,
    response: { 201: PasskeyAnswer },
  }),
  list: routeSchema({
    tag: 'passkeys',
    summary: 'My passkeys, oldest first.',
    auth: true,
    response: { 200: z.object({ passkeys: z.array(PasskeyViewSchema) }) },
  }),
  rename: routeSchema({
    tag: 'passkeys',
    summary: 'Rename one of my passkeys.',
    auth: true,
    params: PasskeyParams,
    body: PasskeyRenameBody,
    response: { 200: PasskeyAnswer },
  }),
  remove: routeSchema({
    tag: 'passkeys',
    summary: 'Remove one of my passkeys (needs a step-up within 5 minutes).',
    auth: true,
    params: PasskeyParams,
    response: { 204: NoContent },
  }),
  signInOptions: routeSchema({
    tag: 'auth',
    summary: 'Begin a passkey sign-in (any passkey of this site); sets a 5-minute ceremony cookie.',
    response: { 200: PasskeyOptionsAnswer },
  }),
  signIn: routeSchema({
    tag: 'auth',
    summary: 'Sign in with a passkey: tokens in the body; fingerprint, refresh and device cookies set.',
    body: PasskeyCeremonyBody,
    response: { 200: LoginResponseSchema },
  }),
  stepUpOptions: routeSchema({
    tag: 'auth',
    summary: 'Begin confirming it is you with one of your passkeys.',
    auth: true,
    response: { 200: PasskeyOptionsAnswer },
  }),
  stepUp: routeSchema({
    tag: 'auth',
    summary: 'Confirm it is you with a passkey: the session counts as proven for 5 minutes.',
    auth: true,
    body: PasskeyCeremonyBody,
    response: { 200: ProofAnswer },
  }),
};

/** Passkeys: add, list, rename, remove; sign in with one; confirm it is you with one. */
export function passkeyRoutes(app: FastifyInstance, deps: PasskeyRoutesDeps): void {
  const ctx = deps.passkeys;
  const via = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });
  const ceremonyCookie = passkeyCeremonyCookieName(deps.secureCookies);
  const admitSignIn = async (request: FastifyRequest) => {
    relyingPartyOf(ctx);
    const state = await deps.signInPerIp.consume(request.ip);
    if (!state.allowed) throw rateLimited(state);
  };

  app.post(
    '/api/v1/me/passkeys/options',
    { preHandler: deps.auth, schema: docs.registerOptions },
    async (request, reply) => {
      const { user, sessionId } = identityOf(request);
      return reply.header('Cache-Control', 'no-store').send(await beginRegistration(ctx, user, sessionId));
    },
  );

  app.post('/api/v1/me/passkeys', { preHandler: deps.auth, schema: docs.register }, async (request, reply) => {
    const body = validate(PasskeyRegisterBody, request.body);
    const { user, sessionId } = identityOf(request);
    const passkey = await finishRegistration(ctx, { ...body, userId: user.id, sessionId }, via(request));
    return reply.status(201).send({ passkey });
  });

  app.get('/api/v1/me/passkeys', { preHandler: deps.auth, schema: docs.list }, async (request, reply) => {
    const passkeys = await listPasskeys(ctx, identityOf(request).user.id);
    return reply.header('Cache-Control', 'no-store').send({ passkeys });
  });

  app.patch('/api/v1/me/passkeys/:id', { preHandler: deps.auth, schema: docs.rename }, async (request, reply) => {
    const { id } = validate(PasskeyParams, request.params);
    const { name } = validate(PasskeyRenameBody, request.body);
    return reply.send({ passkey: await renamePasskey(ctx, identityOf(request).user.id, id, name) });
  });

  app.delete('/api/v1/me/passkeys/:id', { preHandler: deps.auth, schema: docs.remove }, async (request, reply) => {
    const { id } = validate(PasskeyParams, request.params);
    const { user, sessionId } = identityOf(request);
    await removePasskey(ctx, user.id, sessionId, id, via(request));
    return reply.status(204).send();
  });

  app.post('/api/v1/auth/passkey/options', { schema: docs.signInOptions }, async (request, reply) => {
    await admitSignIn(request);
    // The ceremony is bound to this browser by a cookie of its own (not the session's fingerprint,
    // which a signed-in browser already holds and must keep).
    const binding = newFingerprint();
    const answer = await beginSignIn(ctx, hashFingerprint(binding));
    return reply
      .header('Set-Cookie', passkeyCeremonyCookie(binding, PASSKEY_CHALLENGE_TTL_SECONDS, deps.secureCookies))
      .header('Cache-Control', 'no-store')
      .send(answer);
  });

  app.post('/api/v1/auth/passkey', { schema: docs.signIn }, async (request, reply) => {
    const body = validate(PasskeyCeremonyBody, request.body);
    await admitSignIn(request);
    const binding = readCookie(request.headers.cookie, ceremonyCookie) ?? '';
    const fingerprint = newFingerprint();
    const issued = await finishSignIn(
      ctx,
      body,
      {
        // The ceremony's binding is checked against the cookie; the session gets a fingerprint of its own.
        fingerprintHash: hashFingerprint(fingerprint),
        ...via(request),
      },
      binding === '' ? '' : hashFingerprint(binding),
    );
    return loginAnswer(deps, reply, issued, fingerprint, [passkeyCeremonyCookie('', 0, deps.secureCookies)]);
  });

  app.post(
    '/api/v1/auth/step-up/passkey/options',
    { preHandler: deps.auth, schema: docs.stepUpOptions },
    async (request, reply) => {
      const { user, sessionId } = identityOf(request);
      return reply.header('Cache-Control', 'no-store').send(await beginStepUp(ctx, user.id, sessionId));
    },
  );

  app.post('/api/v1/auth/step-up/passkey', { preHandler: deps.auth, schema: docs.stepUp }, async (request, reply) => {
    const body = validate(PasskeyCeremonyBody, request.body);
    const { user, sessionId } = identityOf(request);
    const proofUntil = await finishStepUp(ctx, { ...body, userId: user.id, sessionId }, via(request));
    return reply.header('Cache-Control', 'no-store').send({ proofUntil });
  });
}
