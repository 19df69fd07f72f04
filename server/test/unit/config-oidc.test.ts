import { describe, expect, it } from 'vitest';
import { parseOidc } from '../../src/config-oidc.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const fail = (message: string) => new Error(message);
const SECRET = 'Kq7vR2mX9pL4tW8nZ3cB6yH1dF5gJ0sA';
const keycloak = {
  OIDC_PROVIDERS: 'keycloak',
  OIDC_KEYCLOAK_ISSUER: 'https://id.example.com/realms/main',
  OIDC_KEYCLOAK_CLIENT_ID: 'parley',
  OIDC_KEYCLOAK_CLIENT_SECRET: SECRET,
};

describe('OIDC_PROVIDERS, OIDC_<ID>_* and PUBLIC_URL', () => {
  it('is off without providers', () => {
    expect(parseOidc({}, false, fail)).toBeUndefined();
    expect(parseOidc({ OIDC_PROVIDERS: ' , ' }, false, fail)).toBeUndefined();
  });

  it('reads one block per provider, with defaults for scopes and name', () => {
    const env = {
      ...keycloak,
      OIDC_PROVIDERS: 'keycloak, git-lab',
      OIDC_GIT_LAB_ISSUER: 'https://gitlab.example.com',
      OIDC_GIT_LAB_CLIENT_ID: 'abc',
      OIDC_GIT_LAB_CLIENT_SECRET: 'another-client-secret',
      OIDC_GIT_LAB_SCOPES: 'openid  email',
      OIDC_GIT_LAB_NAME: 'GitLab',
      PUBLIC_URL: 'https://chat.example.com/',
    };
    expect(parseOidc(env, false, fail)).toEqual({
      publicUrl: 'https://chat.example.com',
      providers: [
        {
          id: 'keycloak',
          name: 'keycloak',
          issuer: 'https://id.example.com/realms/main',
          clientId: 'parley',
          clientSecret: SECRET,
          scopes: 'openid profile email',
        },
        {
          id: 'git-lab',
          name: 'GitLab',
          issuer: 'https://gitlab.example.com',
          clientId: 'abc',
          clientSecret: 'another-client-secret',
          scopes: 'openid email',
        },
      ],
    });
  });

  it('refuses missing values, bad ids, plain http, and scopes without openid, naming the variable', () => {
    expect(() => parseOidc({ ...keycloak, OIDC_KEYCLOAK_CLIENT_ID: '' }, false, fail)).toThrow(
      /OIDC_KEYCLOAK_CLIENT_ID: required/,
    );
    expect(() => parseOidc({ OIDC_PROVIDERS: 'Key Cloak' }, false, fail)).toThrow(/OIDC_PROVIDERS/);
    expect(() => parseOidc({ ...keycloak, OIDC_PROVIDERS: 'keycloak,keycloak' }, false, fail)).toThrow(/twice/);
    expect(() => parseOidc({ ...keycloak, OIDC_KEYCLOAK_ISSUER: 'http://id.example.com' }, false, fail)).toThrow(
      /OIDC_KEYCLOAK_ISSUER: must be https/,
    );
    expect(() => parseOidc({ ...keycloak, OIDC_KEYCLOAK_SCOPES: 'profile email' }, false, fail)).toThrow(
      /must include "openid"/,
    );
    expect(() => parseOidc({ ...keycloak, PUBLIC_URL: 'https://chat.example.com/app' }, false, fail)).toThrow(
      /PUBLIC_URL/,
    );
  });

  it('in production: PUBLIC_URL over https is required, and the client secret must pass the secret rules', () => {
    expect(() => parseOidc(keycloak, true, fail)).toThrow(/PUBLIC_URL: required/);
    expect(() => parseOidc({ ...keycloak, PUBLIC_URL: 'http://chat.example.com' }, true, fail)).toThrow(/https/);
    const weak = { ...keycloak, PUBLIC_URL: 'https://chat.example.com', OIDC_KEYCLOAK_CLIENT_SECRET: 'changeme' };
    expect(() => parseOidc(weak, true, fail)).toThrow(/OIDC_KEYCLOAK_CLIENT_SECRET/);
    expect(parseOidc({ ...keycloak, PUBLIC_URL: 'https://chat.example.com' }, true, fail)?.providers).toHaveLength(1);
  });

  it('never puts the secret in an error, and never lets the environment allow plain http', () => {
    try {
      parseOidc({ ...keycloak, OIDC_KEYCLOAK_CLIENT_SECRET: 'short' }, false, fail);
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain('short"');
      expect(String(error)).toMatch(/OIDC_KEYCLOAK_CLIENT_SECRET/);
    }
    const config = parseOidc({ ...keycloak, OIDC_KEYCLOAK_ALLOW_INSECURE_REQUESTS: 'true' }, false, fail);
    expect(config?.providers[0]?.allowInsecureRequests).toBeUndefined();
  });

  it('is part of loadConfig, failing as a ConfigError', () => {
    expect(loadConfig({ NODE_ENV: 'test', ...keycloak }).oidc?.providers[0]?.id).toBe('keycloak');
    expect(() => loadConfig({ NODE_ENV: 'test', OIDC_PROVIDERS: 'x' })).toThrow(ConfigError);
  });
});
