import { generateRegistrationOptions, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type { User } from '../../../../protocol/index.js';
import { challengeBytes, issueChallenge } from './challenges.js';
import { relyingPartyOf, type PasskeyContext } from './passkey-context.js';

/**
 * Options to create a passkey for the signed-in user: a discoverable credential (so it can sign in
 * with no username), user verification required, the user's existing passkeys excluded.
 */
export async function beginRegistration(
  ctx: PasskeyContext,
  user: User,
  sessionId: string,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
  const rp = relyingPartyOf(ctx);
  const existing = await ctx.store.listPasskeys(user.id);
  const { ceremonyId, challenge } = await issueChallenge(ctx, 'register', sessionId, user.id);
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpId,
    userName: user.username,
    userID: new TextEncoder().encode(user.id),
    challenge: challengeBytes(challenge),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  return { ceremonyId, options };
}
