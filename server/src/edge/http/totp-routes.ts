import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import {
  RecoveryCodesSchema,
  SecondFactorsSchema,
  TotpCodeBody,
  TotpEnrolmentSchema,
} from '../../../../protocol/index.js';
import type { Totp } from '../../core/accounts/factors/totp.js';
import { identityOf } from './require-auth.js';
import { NoContent, routeSchema } from './route-schema.js';
import { validate } from './validate.js';

export interface TotpRoutesDeps {
  totp: Totp;
  auth: preHandlerAsyncHookHandler;
  /** How many passkeys the user has (the passkeys routes own them); default none. */
  countPasskeys?: (userId: string) => Promise<number>;
}

const tag = 'second factors';
const docs = {
  enrol: routeSchema({
    tag,
    summary: 'Start setting up an authenticator app: a new secret, pending until confirmed with a first code.',
    auth: true,
    response: { 200: TotpEnrolmentSchema },
  }),
  confirm: routeSchema({
    tag,
    summary: 'Turn the authenticator app on with its first code; answers ten recovery codes, shown once.',
    auth: true,
    body: TotpCodeBody,
    response: { 200: RecoveryCodesSchema },
  }),
  disable: routeSchema({
    tag,
    summary: 'Turn the authenticator app off (needs a recent step-up).',
    auth: true,
    response: { 204: NoContent },
  }),
  recoveryCodes: routeSchema({
    tag,
    summary: 'Ten new recovery codes, the old ones no longer work (needs a recent step-up).',
    auth: true,
    response: { 200: RecoveryCodesSchema },
  }),
  list: routeSchema({
    tag,
    summary: 'My second factors: the authenticator app, recovery codes left, passkeys.',
    auth: true,
    response: { 200: SecondFactorsSchema },
  }),
};

/** My authenticator app (TOTP) and recovery codes. Secrets and codes are never cached. */
export function totpRoutes(app: FastifyInstance, deps: TotpRoutesDeps): void {
  const { auth, totp } = deps;
  const via = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? '' });

  app.post('/api/v1/me/totp', { preHandler: auth, schema: docs.enrol }, async (request, reply) => {
    const { user } = identityOf(request);
    return reply.header('Cache-Control', 'no-store').send(await totp.enrol(user.id, user.username));
  });

  app.post('/api/v1/me/totp/confirm', { preHandler: auth, schema: docs.confirm }, async (request, reply) => {
    const { code } = validate(TotpCodeBody, request.body);
    const { user, sessionId } = identityOf(request);
    return reply.header('Cache-Control', 'no-store').send(await totp.confirm(user.id, sessionId, code, via(request)));
  });

  app.delete('/api/v1/me/totp', { preHandler: auth, schema: docs.disable }, async (request, reply) => {
    const { user, sessionId } = identityOf(request);
    await totp.disable(user.id, sessionId, via(request));
    return reply.status(204).send();
  });

  app.post('/api/v1/me/recovery-codes', { preHandler: auth, schema: docs.recoveryCodes }, async (request, reply) => {
    const { user, sessionId } = identityOf(request);
    return reply.header('Cache-Control', 'no-store').send(await totp.regenerateRecoveryCodes(user.id, sessionId));
  });

  app.get('/api/v1/me/second-factors', { preHandler: auth, schema: docs.list }, async (request, reply) => {
    const { user } = identityOf(request);
    const [on, recoveryCodesLeft, passkeys] = await Promise.all([
      totp.isOn(user.id),
      totp.recoveryCodesLeft(user.id),
      deps.countPasskeys?.(user.id) ?? Promise.resolve(0),
    ]);
    return reply.header('Cache-Control', 'no-store').send({ totp: on, recoveryCodesLeft, passkeys });
  });
}
