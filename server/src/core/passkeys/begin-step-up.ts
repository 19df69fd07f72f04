import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { ParleyError } from '../errors.js';
import { challengeBytes, issueChallenge } from './challenges.js';
import { relyingPartyOf, type PasskeyContext } from './passkey-context.js';

/** Options to confirm it is you with one of your own passkeys, bound to this session. */
export async function beginStepUp(
  ctx: PasskeyContext,
  userId: string,
  sessionId: string,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const rp = relyingPartyOf(ctx);
  const mine = await ctx.store.listPasskeys(userId);
  if (mine.length === 0) throw new ParleyError('PASSKEY_NOT_FOUND');
  const { ceremonyId, challenge } = await issueChallenge(ctx, 'step-up', sessionId, userId);
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    challenge: challengeBytes(challenge),
    userVerification: 'required',
    allowCredentials: mine.map((p) => ({ id: p.id, transports: p.transports })),
  });
  return { ceremonyId, options };
}
