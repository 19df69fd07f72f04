/**
 * "Sign in with …" on the login screen, one per configured provider. Each is a plain link to the
 * server's start route (a GET navigation): a form POST that redirects to the provider would be
 * blocked by our CSP's `form-action 'self'`. Nothing shows when no provider is configured or the
 * list cannot be fetched: the rest of the screen works without it.
 */
import type { SsoProvider } from '../../../protocol/sso.js';
import { startUrl } from '../api-sso.js';
import { byId, el } from './dom.js';

export interface SsoLinks {
  /** Fetches the providers once and shows their links; never throws. */
  load(): Promise<void>;
}

export function createSsoLinks(fetchProviders: () => Promise<SsoProvider[]>): SsoLinks {
  const box = byId('sso-providers', HTMLElement);
  const list = byId('sso-links', HTMLUListElement);
  let loaded: Promise<void> | null = null;

  function link(provider: SsoProvider): HTMLLIElement {
    const a = el('a', 'sso-link', `sign in with ${provider.name}`);
    a.href = startUrl(provider.id);
    a.dataset['provider'] = provider.id;
    const li = el('li');
    li.append(a);
    return li;
  }

  async function show(): Promise<void> {
    try {
      const providers = await fetchProviders();
      list.replaceChildren(...providers.map(link));
      box.hidden = providers.length === 0;
    } catch {
      list.replaceChildren();
      box.hidden = true;
      loaded = null; // the next visit to the login screen tries again
    }
  }

  return {
    load: () => (loaded ??= show()),
  };
}
