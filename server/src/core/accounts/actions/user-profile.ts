import type { UserProfile } from '../../../../../protocol/index.js';
import type { UserStore } from '../../../ports/store.js';
import { ParleyError } from '../../errors.js';
import { toUser } from '../../events.js';

/**
 * Anyone's public profile, for anyone signed in: the name and colour every message already shows,
 * and when the account was made. Whether a name exists is no secret from a signed-in person (a DM or
 * an invitation tells it too), so an unknown one is plainly USER_NOT_FOUND. Nothing else about the
 * account (its sessions, devices, addresses, security events) ever leaves through here.
 */
export async function userProfile(
  store: Pick<UserStore, 'findUserByUsername'>,
  username: string,
): Promise<UserProfile> {
  const found = await store.findUserByUsername(username);
  if (!found) throw new ParleyError('USER_NOT_FOUND');
  return { ...toUser(found), createdAt: found.createdAt };
}
