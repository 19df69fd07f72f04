/**
 * Single sign-on over HTTP (issue 17; the shapes are in protocol/sso.ts). Signing in starts with a
 * plain link (a GET: our CSP's `form-action 'self'` would block a form that redirects to the
 * provider); the provider sends the browser back to `/?sso=CODE`, and the code is traded here with a
 * POST. The browser-binding cookie travels by itself (same-origin), and no token is ever in a URL.
 */
import type { LoginResponse } from '../../protocol/frames.js';
import type { ChooseUsernameAnswer, LinkedIdentity, SsoProvider } from '../../protocol/sso.js';
import { request } from './api.js';

const oidc = (id: string): string => `/auth/oidc/${encodeURIComponent(id)}`;

/** Where "sign in with …" goes: the server answers with a redirect to the provider. */
export function startUrl(providerId: string): string {
  return `/api/v1${oidc(providerId)}/start`;
}

/** The configured providers; none when SSO is off. */
export async function providers(): Promise<SsoProvider[]> {
  const answer = await request<{ providers: SsoProvider[] }>('/auth/oidc/providers');
  return answer.providers;
}

/** Trades the one-time code for a login (as a password login answers), or the username step. */
export function exchange(code: string): Promise<LoginResponse | ChooseUsernameAnswer> {
  return request('/auth/oidc/exchange', { method: 'POST', body: { code } });
}

/** The username step of a first sign-in: the ticket from the exchange and the name picked. */
export function chooseUsername(ticket: string, username: string): Promise<LoginResponse> {
  return request('/auth/oidc/username', { method: 'POST', body: { ticket, username } });
}

export async function identities(): Promise<LinkedIdentity[]> {
  const answer = await request<{ identities: LinkedIdentity[] }>('/me/identities', { auth: true });
  return answer.identities;
}

/** Begins linking a provider to my account (a step-up first, when asked): where to send the browser. */
export function linkIdentity(providerId: string): Promise<{ authorizationUrl: string }> {
  return request(`/me/identities/${encodeURIComponent(providerId)}`, { method: 'POST', body: {}, auth: true });
}

export function unlinkIdentity(id: string): Promise<void> {
  return request(`/me/identities/${encodeURIComponent(id)}`, { method: 'DELETE', auth: true });
}
