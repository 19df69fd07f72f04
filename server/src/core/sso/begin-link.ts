import { beginSignIn } from './begin-sign-in.js';
import { requireProvider, type SsoContext } from './sso-context.js';

/**
 * `POST /api/v1/me/identities/:provider`: a signed-in user who proved themselves within the step-up
 * window begins linking a provider identity; the callback adds it (complete-callback.ts).
 */
export async function beginLink(
  ctx: SsoContext,
  input: { userId: string; sessionId: string; provider: string; redirectUri: string; bindingHash: string },
): Promise<string> {
  requireProvider(ctx, input.provider);
  await ctx.proofs.requireRecent(input.userId, input.sessionId);
  return beginSignIn(ctx, { ...input, purpose: 'link' });
}
