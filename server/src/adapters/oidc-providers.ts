import * as client from 'openid-client';
import type { OidcProviderConfig } from '../config-oidc.js';
import {
  IdentityProviderError,
  type AuthorizationChecks,
  type IdentityProviders,
  type ProviderIdentity,
} from '../ports/identity-provider.js';
import type { Logger } from '../ports/logger.js';

const str = (value: unknown) => (typeof value === 'string' && value.length > 0 ? value : undefined);

/**
 * The relying party over openid-client 6. Discovery happens on first use and is cached; a failed
 * discovery is forgotten, so the next sign-in tries again (a provider down at boot does not stop
 * Parley). The client authenticates with client_secret_basic.
 */
export class OidcProviders implements IdentityProviders {
  private readonly byId: Map<string, OidcProviderConfig>;
  private readonly discovered = new Map<string, Promise<client.Configuration>>();

  constructor(
    private readonly providers: readonly OidcProviderConfig[],
    private readonly logger: Logger,
  ) {
    this.byId = new Map(providers.map((p) => [p.id, p]));
  }

  list() {
    return this.providers.map((p) => ({ id: p.id, name: p.name }));
  }

  has(id: string) {
    return this.byId.has(id);
  }

  async authorizationUrl(id: string, checks: AuthorizationChecks): Promise<string> {
    const provider = this.provider(id);
    const config = await this.configuration(provider);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: checks.redirectUri,
      scope: provider.scopes,
      response_type: 'code',
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.pkceVerifier),
      code_challenge_method: 'S256',
    });
    return url.href;
  }

  async complete(id: string, callbackUrl: string, checks: AuthorizationChecks): Promise<ProviderIdentity> {
    const provider = this.provider(id);
    const config = await this.configuration(provider);
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(callbackUrl), {
        pkceCodeVerifier: checks.pkceVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new IdentityProviderError('no ID token');
      const identity: ProviderIdentity = {
        issuer: claims.iss,
        subject: claims.sub,
        preferredUsername: str(claims['preferred_username']),
        name: str(claims['name']),
        email: str(claims['email']),
      };
      // Many providers put profile and e-mail only in userinfo; they are for the username and the label.
      if (identity.preferredUsername === undefined || identity.email === undefined) {
        try {
          const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
          identity.preferredUsername ??= str(info.preferred_username);
          identity.name ??= str(info.name);
          identity.email ??= str(info.email);
        } catch (error) {
          this.logger.warn({ err: error, provider: id }, 'could not read userinfo; signing in without it');
        }
      }
      return identity;
    } catch (error) {
      if (error instanceof IdentityProviderError) throw error;
      // The library's message says which check failed; never a token or the secret.
      this.logger.warn({ provider: id, reason: errorText(error) }, 'single sign-on answer refused');
      throw new IdentityProviderError(errorText(error));
    }
  }

  private provider(id: string): OidcProviderConfig {
    const provider = this.byId.get(id);
    if (!provider) throw new IdentityProviderError(`no provider ${id}`);
    return provider;
  }

  private configuration(provider: OidcProviderConfig): Promise<client.Configuration> {
    let found = this.discovered.get(provider.id);
    if (!found) {
      found = client
        .discovery(
          new URL(provider.issuer),
          provider.clientId,
          undefined,
          client.ClientSecretBasic(provider.clientSecret),
          { execute: provider.allowInsecureRequests ? [client.allowInsecureRequests] : [], timeout: 10 },
        )
        .catch((error: unknown) => {
          this.discovered.delete(provider.id);
          this.logger.warn({ provider: provider.id, reason: errorText(error) }, 'OpenID discovery failed');
          throw new IdentityProviderError(`discovery failed: ${errorText(error)}`);
        });
      this.discovered.set(provider.id, found);
    }
    return found;
  }
}

/** Codes, the OAuth error and the failed claim along the cause chain; never a token or the secret. */
function errorText(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return String(error);
  const { code, error: oauthError, cause } = error as { code?: unknown; error?: unknown; cause?: unknown };
  const claim = (cause as { claim?: unknown } | undefined)?.claim;
  const parts = [code, oauthError, claim].filter((part) => typeof part === 'string');
  const inner = cause instanceof Error && depth < 3 ? ` (${errorText(cause, depth + 1)})` : '';
  return `${[...parts, error.message].join(': ')}${inner}`;
}
