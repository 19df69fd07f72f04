import { randomBytes } from 'node:crypto';
import { PASSKEY_CHALLENGE_TTL_SECONDS } from '../../../../protocol/index.js';
import type { PasskeyPurpose, StoredPasskeyChallenge } from '../../ports/passkey-store.js';
import { ParleyError } from '../errors.js';
import { iso, type PasskeyContext } from './passkey-context.js';

/** A fresh ceremony: a random challenge stored for 5 minutes, bound to a purpose and a session or browser. */
export async function issueChallenge(
  ctx: PasskeyContext,
  purpose: PasskeyPurpose,
  boundTo: string,
  userId: string | null,
): Promise<{ ceremonyId: string; challenge: string }> {
  const now = ctx.clock.now();
  // Ceremonies nobody finished: swept here, an indexed range delete, so the table stays small.
  await ctx.store.deleteExpiredPasskeyChallenges(iso(now));
  const ceremonyId = randomBytes(32).toString('base64url');
  const challenge = randomBytes(32).toString('base64url');
  await ctx.store.savePasskeyChallenge({
    id: ceremonyId,
    challenge,
    purpose,
    boundTo,
    userId,
    createdAt: iso(now),
    expiresAt: iso(now + PASSKEY_CHALLENGE_TTL_SECONDS * 1000),
  });
  return { ceremonyId, challenge };
}

/**
 * Takes the ceremony's challenge out of the store (whatever follows, it is gone: single use on every
 * node), then refuses it unless it is live, of this purpose and bound to this session or browser.
 */
export async function takeChallenge(
  ctx: PasskeyContext,
  ceremonyId: string,
  purpose: PasskeyPurpose,
  boundTo: string,
): Promise<StoredPasskeyChallenge> {
  const found = await ctx.store.consumePasskeyChallenge(ceremonyId);
  if (!found || found.purpose !== purpose || found.boundTo !== boundTo || found.expiresAt <= iso(ctx.clock.now())) {
    throw new ParleyError('CHALLENGE_INVALID');
  }
  return found;
}

/** The challenge as the bytes the options carry (the library would otherwise encode the text itself). */
export function challengeBytes(challenge: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(challenge, 'base64url'));
}
