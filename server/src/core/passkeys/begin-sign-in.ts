import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { challengeBytes, issueChallenge } from './challenges.js';
import { relyingPartyOf, type PasskeyContext } from './passkey-context.js';

/** Options to sign in with any passkey of this site (discoverable: no allowCredentials), bound to the browser. */
export async function beginSignIn(
  ctx: PasskeyContext,
  fingerprintHash: string,
): Promise<{ ceremonyId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const rp = relyingPartyOf(ctx);
  const { ceremonyId, challenge } = await issueChallenge(ctx, 'login', fingerprintHash, null);
  const options = await generateAuthenticationOptions({
    rpID: rp.rpId,
    challenge: challengeBytes(challenge),
    userVerification: 'required',
  });
  return { ceremonyId, options };
}
