/**
 * The OpenID Connect providers this server trusts for single sign-on (issue 17), shaped around what
 * the core needs: an authorization URL to send the browser to, and the verified identity the
 * provider's answer proves. The adapter (adapters/oidc-providers.ts) does discovery, PKCE S256 and
 * every check of the ID token (signature, issuer, audience, expiry, nonce) with openid-client.
 */
export interface ProviderInfo {
  id: string;
  name: string;
}

/** Who the provider says signed in, after every check passed. (issuer, subject) is the key. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  preferredUsername?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
}

export interface AuthorizationChecks {
  redirectUri: string;
  state: string;
  nonce: string;
  /** The PKCE verifier; the adapter sends its S256 challenge. */
  pkceVerifier: string;
}

/** The provider's answer failed validation, or the provider refused or could not be reached. */
export class IdentityProviderError extends Error {
  override name = 'IdentityProviderError';
}

export interface IdentityProviders {
  /** The configured providers, in configuration order. */
  list(): readonly ProviderInfo[];
  has(id: string): boolean;
  /** Throws IdentityProviderError when the provider's discovery document cannot be had. */
  authorizationUrl(id: string, checks: AuthorizationChecks): Promise<string>;
  /**
   * Trades the code of `callbackUrl` (the redirect URI with the provider's query) for tokens and
   * answers the identity; throws IdentityProviderError on any failed check.
   */
  complete(id: string, callbackUrl: string, checks: AuthorizationChecks): Promise<ProviderIdentity>;
}
