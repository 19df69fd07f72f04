import { MIN_SECRET_LENGTH, secretWeakness } from './secret-rules.js';

/**
 * Single sign-on providers (issue 17), one block of variables per provider id:
 *
 * - `OIDC_PROVIDERS`: comma-separated ids, lower-case letters, digits and `-` (`keycloak,gitlab`).
 *   Unset or empty: no SSO, every SSO route answers 404.
 * - `OIDC_<ID>_ISSUER`: the issuer URL (https; its `/.well-known/openid-configuration` is read on first use).
 * - `OIDC_<ID>_CLIENT_ID`, `OIDC_<ID>_CLIENT_SECRET`: the confidential client registered at the provider.
 *   The secret is never logged; in production it must pass the secret rules (secret-rules.ts).
 * - `OIDC_<ID>_SCOPES`: space-separated, must include `openid`. Default `openid profile email`.
 * - `OIDC_<ID>_NAME`: what the "Sign in with …" button says. Default: the id.
 * - `PUBLIC_URL`: the origin browsers use (`https://chat.example.com`); the redirect URI registered at
 *   each provider is `<PUBLIC_URL>/api/v1/auth/oidc/<id>/callback`. Required in production with SSO;
 *   elsewhere the origin of the request that begins the sign-in is used.
 *
 * `<ID>` is the id in upper case with `-` as `_`. Plain-http issuers are refused: only a test
 * passes `allowInsecureRequests` programmatically (never from the environment).
 */
export interface OidcProviderConfig {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** Tests only (a provider on http://127.0.0.1): lets openid-client talk plain HTTP. */
  allowInsecureRequests?: boolean;
}

export interface OidcConfig {
  providers: OidcProviderConfig[];
  /** PUBLIC_URL's origin, or undefined: the origin of the request that begins a sign-in. */
  publicUrl: string | undefined;
}

const ID = /^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/;

/** Undefined when no provider is configured. Throws a message naming the variable, never a secret's value. */
export function parseOidc(
  env: Record<string, string | undefined>,
  production: boolean,
  fail: (message: string) => Error,
): OidcConfig | undefined {
  const publicUrl = parsePublicUrl(env['PUBLIC_URL'], production, fail);
  const ids = (env['OIDC_PROVIDERS'] ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  if (ids.length === 0) return undefined;
  if (production && publicUrl === undefined) {
    throw fail('PUBLIC_URL: required with OIDC_PROVIDERS in production (the origin of the redirect URI)');
  }
  const seen = new Set<string>();
  const providers = ids.map((id) => {
    if (!ID.test(id)) throw fail(`OIDC_PROVIDERS: "${id}" must be lower-case letters, digits and "-" (at most 32)`);
    if (seen.has(id)) throw fail(`OIDC_PROVIDERS: "${id}" is listed twice`);
    seen.add(id);
    return parseProvider(env, id, production, fail);
  });
  return { providers, publicUrl };
}

function parseProvider(
  env: Record<string, string | undefined>,
  id: string,
  production: boolean,
  fail: (message: string) => Error,
): OidcProviderConfig {
  const prefix = `OIDC_${id.toUpperCase().replaceAll('-', '_')}_`;
  const read = (name: string) => {
    const value = env[prefix + name]?.trim();
    return value === undefined || value.length === 0 ? undefined : value;
  };
  const required = (name: string) => {
    const value = read(name);
    if (value === undefined) throw fail(`${prefix}${name}: required for provider "${id}" (OIDC_PROVIDERS)`);
    return value;
  };
  const issuer = required('ISSUER');
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw fail(`${prefix}ISSUER: "${issuer}" is not a URL like https://id.example.com/realms/main`);
  }
  if (url.protocol !== 'https:') throw fail(`${prefix}ISSUER: must be https (tokens and secrets travel there)`);
  if (url.search !== '' || url.hash !== '') throw fail(`${prefix}ISSUER: no query or fragment`);
  const clientId = required('CLIENT_ID');
  const clientSecret = required('CLIENT_SECRET');
  const problem = production
    ? secretWeakness(clientSecret)
    : clientSecret.length < 8
      ? 'must be at least 8 characters'
      : undefined;
  if (problem) {
    throw fail(
      `${prefix}CLIENT_SECRET: ${problem}` +
        (production ? ` (use the secret the provider generated, at least ${MIN_SECRET_LENGTH} characters)` : ''),
    );
  }
  const scopes = (read('SCOPES') ?? 'openid profile email').split(/\s+/).join(' ');
  if (!scopes.split(' ').includes('openid')) throw fail(`${prefix}SCOPES: must include "openid"`);
  return { id, name: read('NAME') ?? id, issuer, clientId, clientSecret, scopes };
}

function parsePublicUrl(
  value: string | undefined,
  production: boolean,
  fail: (message: string) => Error,
): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw fail(`PUBLIC_URL: "${value}" is not an origin like https://chat.example.com`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw fail(`PUBLIC_URL: "${value}" must be an origin only (no path), like ${url.origin}`);
  }
  if (production && url.protocol !== 'https:') throw fail('PUBLIC_URL: must be https in production');
  return url.origin;
}
