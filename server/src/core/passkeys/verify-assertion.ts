import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { StoredPasskey } from '../../ports/passkey-store.js';
import { ParleyError } from '../errors.js';
import { iso, relyingPartyOf, type PasskeyContext } from './passkey-context.js';

/**
 * Checks a signed challenge against the stored credential: origin and RP ID from configuration, user
 * verification required, and a signature counter that must go up (the library refuses one that did
 * not; the store refuses a race). Records the new counter, backup state and last use. Any failure is
 * PASSKEY_INVALID, with no hint which.
 */
export async function verifyAssertion(
  ctx: PasskeyContext,
  response: unknown,
  expectedChallenge: string,
): Promise<StoredPasskey> {
  const rp = relyingPartyOf(ctx);
  const id = typeof response === 'object' && response !== null ? (response as { id?: unknown }).id : undefined;
  const passkey = typeof id === 'string' && id.length > 0 ? await ctx.store.findPasskey(id) : undefined;
  if (!passkey) throw new ParleyError('PASSKEY_INVALID');
  let info;
  try {
    const result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.rpId,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
        counter: passkey.counter,
        transports: passkey.transports,
      },
      requireUserVerification: true,
    });
    if (!result.verified) throw new Error('not verified');
    info = result.authenticationInfo;
  } catch {
    throw new ParleyError('PASSKEY_INVALID');
  }
  // The user handle, when the authenticator sends one, must name the credential's owner.
  const handle = (response as AuthenticationResponseJSON).response.userHandle;
  if (handle !== undefined && Buffer.from(handle, 'base64url').toString('utf8') !== passkey.userId) {
    throw new ParleyError('PASSKEY_INVALID');
  }
  const lastUsedAt = iso(ctx.clock.now());
  const use = { counter: info.newCounter, backedUp: info.credentialBackedUp, lastUsedAt };
  if ((await ctx.store.updatePasskeyUse(passkey.id, use)) === 'stale') throw new ParleyError('PASSKEY_INVALID');
  return { ...passkey, ...use };
}
