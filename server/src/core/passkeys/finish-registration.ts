import { verifyRegistrationResponse, type RegistrationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyView } from '../../../../protocol/index.js';
import { ParleyError } from '../errors.js';
import { takeChallenge } from './challenges.js';
import { iso, relyingPartyOf, type PasskeyContext, type Via } from './passkey-context.js';
import { toPasskeyView } from './passkey-view.js';

/**
 * Verifies the authenticator's answer against the ceremony this session began (origin and RP ID from
 * configuration, user verification required) and stores the credential with its counter and backup flags.
 */
export async function finishRegistration(
  ctx: PasskeyContext,
  input: { userId: string; sessionId: string; ceremonyId: string; response: unknown; name: string },
  via: Via,
): Promise<PasskeyView> {
  const rp = relyingPartyOf(ctx);
  const ceremony = await takeChallenge(ctx, input.ceremonyId, 'register', input.sessionId);
  if (ceremony.userId !== input.userId) throw new ParleyError('CHALLENGE_INVALID');
  let info;
  try {
    const result = await verifyRegistrationResponse({
      response: input.response as RegistrationResponseJSON,
      expectedChallenge: ceremony.challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      requireUserVerification: true,
    });
    if (!result.verified) throw new Error('not verified');
    info = result.registrationInfo;
  } catch {
    throw new ParleyError('PASSKEY_INVALID');
  }
  const now = iso(ctx.clock.now());
  const passkey = {
    id: info.credential.id,
    userId: input.userId,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: info.credential.transports ?? [],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    name: input.name,
    createdAt: now,
    lastUsedAt: null,
  };
  // Already registered (to this user or another): refused, never moved.
  if ((await ctx.store.addPasskey(passkey)) === 'taken') throw new ParleyError('PASSKEY_INVALID');
  await ctx.securityLog.record('passkey_added', input.userId, input.sessionId, via);
  return toPasskeyView(passkey);
}
