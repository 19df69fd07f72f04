import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { UserProfileParams, UserProfileSchema, type UserProfile } from '../../../../protocol/index.js';
import { userProfile } from '../../core/accounts/actions/user-profile.js';
import type { ChatCore } from '../../core/chat-core.js';
import { routeSchema } from './route-schema.js';
import { validate } from './validate.js';

const profileDoc = routeSchema({
  tag: 'users',
  summary: "Someone's public profile, by username (any letter case).",
  auth: true,
  params: UserProfileParams,
  response: { 200: z.object({ user: UserProfileSchema }) },
});

/** Other people as a signed-in person sees them: one public profile by username (any letter case). */
export function userRoutes(app: FastifyInstance, core: ChatCore, auth: preHandlerAsyncHookHandler): void {
  app.get(
    '/api/v1/users/:username',
    { preHandler: auth, schema: profileDoc },
    async (request): Promise<{ user: UserProfile }> => {
      const { username } = validate(UserProfileParams, request.params);
      return { user: await userProfile(core.ctx.store, username) };
    },
  );
}
