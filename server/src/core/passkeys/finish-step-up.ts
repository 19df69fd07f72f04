import { ParleyError } from '../errors.js';
import { takeChallenge } from './challenges.js';
import type { PasskeyContext, Via } from './passkey-context.js';
import { verifyAssertion } from './verify-assertion.js';

/** Confirms it is you with your own passkey; the session counts as freshly proven. Answers proofUntil. */
export async function finishStepUp(
  ctx: PasskeyContext,
  input: { userId: string; sessionId: string; ceremonyId: string; response: unknown },
  via: Via,
): Promise<string> {
  const ceremony = await takeChallenge(ctx, input.ceremonyId, 'step-up', input.sessionId);
  if (ceremony.userId !== input.userId) throw new ParleyError('CHALLENGE_INVALID');
  const passkey = await verifyAssertion(ctx, input.response, ceremony.challenge);
  // Someone else's passkey proves nothing about this session's owner.
  if (passkey.userId !== input.userId) throw new ParleyError('PASSKEY_INVALID');
  const proofUntil = await ctx.proofs.record(input.sessionId);
  await ctx.securityLog.record('passkey_used', input.userId, input.sessionId, via);
  return proofUntil;
}
