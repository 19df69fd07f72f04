/**
 * Linked sign-ins: the accounts at single sign-on providers that can sign me in (provider, who the
 * provider says I am, when linked), "unlink" for each, and "link <provider>" for each configured one.
 * Linking and unlinking need a fresh proof: the API asks for it (the step-up prompt) and retries by
 * itself. Linking then leaves for the provider, which sends the browser back to `/?ssoLinked=ID`; the
 * page opens here again and says so. The section stays hidden when no provider is configured.
 */
import type { LinkedIdentity, SsoProvider } from '../../../../protocol/sso.js';
import { ApiError } from '../../api.js';
import * as sso from '../../api-sso.js';
import { byId, el, formatDateTime } from '../dom.js';
import { identityProblem } from '../sso-words.js';
import type { SecuritySection } from './totp-section.js';

export interface IdentitiesSection extends SecuritySection {
  /** Opens with the news that this provider was just linked. */
  openLinked(providerId: string): void;
}

export function createIdentitiesSection(
  onAuthFailure: () => void,
  leave: (url: string) => void = (url) => window.location.assign(url),
): IdentitiesSection {
  const section = byId('identities-section', HTMLElement);
  const list = byId('identities-list', HTMLUListElement);
  const links = byId('identities-link', HTMLDivElement);
  const error = byId('identities-error', HTMLParagraphElement);
  const done = byId('identities-done', HTMLParagraphElement);
  let providers: SsoProvider[] = [];
  let busy = false;

  function say(problem: string, news = ''): void {
    error.textContent = problem;
    error.hidden = problem === '';
    done.textContent = news;
  }

  function setBusy(on: boolean): void {
    busy = on;
    for (const button of section.querySelectorAll('button')) button.disabled = on;
  }

  const nameOf = (id: string): string => providers.find((p) => p.id === id)?.name ?? id;

  async function act(action: 'link' | 'unlink', fn: () => Promise<void>): Promise<void> {
    if (busy) return;
    setBusy(true);
    say('');
    try {
      await fn();
    } catch (err) {
      if (err instanceof ApiError && err.isAuthFailure) return onAuthFailure();
      say(identityProblem(err, action));
    } finally {
      setBusy(false);
    }
    if (action === 'unlink') await load();
  }

  function item(identity: LinkedIdentity): HTMLLIElement {
    const li = el('li', 'passkey identity');
    li.dataset['identityId'] = identity.id;
    li.dataset['provider'] = identity.provider;
    const label = el('span', 'passkey-name', `${identity.providerName}: ${identity.label}`);
    const facts = el('span', 'dim', `linked ${formatDateTime(identity.linkedAt)}`);
    const unlink = el('button', 'danger small', 'unlink');
    unlink.type = 'button';
    unlink.dataset['action'] = 'unlink';
    unlink.setAttribute('aria-label', `unlink ${identity.providerName} (${identity.label})`);
    unlink.addEventListener(
      'click',
      () =>
        void act('unlink', async () => {
          await sso.unlinkIdentity(identity.id);
          say('', `Unlinked ${identity.providerName} (${identity.label}).`);
        }),
    );
    li.append(label, unlink, facts);
    return li;
  }

  function linkButton(provider: SsoProvider): HTMLButtonElement {
    const button = el('button', 'secondary', `link ${provider.name}`);
    button.type = 'button';
    button.dataset['provider'] = provider.id;
    button.addEventListener(
      'click',
      () =>
        void act('link', async () => {
          const { authorizationUrl } = await sso.linkIdentity(provider.id);
          say('', `Going to ${provider.name} to sign in there…`);
          leave(authorizationUrl);
        }),
    );
    return button;
  }

  async function load(): Promise<void> {
    list.setAttribute('aria-busy', 'true');
    try {
      providers = await sso.providers().catch(() => []);
      section.hidden = providers.length === 0;
      links.replaceChildren(...providers.map(linkButton));
      if (providers.length === 0) return list.replaceChildren();
      const identities = await sso.identities();
      list.replaceChildren(...identities.map(item));
      if (identities.length === 0) list.append(el('li', 'dim empty', 'No linked sign-ins yet.'));
    } catch (err) {
      if (err instanceof ApiError && err.isAuthFailure) return onAuthFailure();
      say(err instanceof Error ? err.message : 'Could not load your linked sign-ins.');
    } finally {
      list.removeAttribute('aria-busy');
    }
  }

  return {
    open() {
      say('');
      void load();
    },
    openLinked(providerId) {
      say('');
      void load().then(() => {
        if (error.hidden) say('', `Linked ${nameOf(providerId)}. You can sign in with it now.`);
      });
    },
    close() {
      list.replaceChildren();
      list.setAttribute('aria-busy', 'true');
    },
  };
}
