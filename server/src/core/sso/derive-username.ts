import type { ProviderIdentity } from '../../ports/identity-provider.js';
import type { Store } from '../../ports/store.js';
import { isValidUsername } from '../accounts/password-policy.js';

/**
 * A username from the provider's claims: the preferred username, else the name, else the e-mail's
 * local part, with every character outside [A-Za-z0-9_] made `_` (accents dropped first) and cut to
 * 32. May still be invalid (too short) or taken: the person then picks one.
 */
export function wantedUsername(identity: ProviderIdentity): string {
  const raw = identity.preferredUsername ?? identity.name ?? identity.email?.split('@')[0] ?? '';
  return raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
}

/** A free, valid name near `wanted` (`wanted2` … `wanted9`), or undefined when none is. */
export async function suggestUsername(store: Store, wanted: string): Promise<string | undefined> {
  const base = wanted.length >= 3 ? wanted.slice(0, 30) : undefined;
  if (base === undefined) return undefined;
  for (let n = 2; n <= 9; n++) {
    const candidate = `${base}${n}`;
    if (isValidUsername(candidate) && !(await store.findUserByUsername(candidate))) return candidate;
  }
  return undefined;
}
