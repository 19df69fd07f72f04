import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const TOKEN = 'k7Qz-9vLm2Xw8RtP4sYb6NcJ3hGf5DaE1uVi0oKq';
const base = { NODE_ENV: 'test', DATA_DIR: '/tmp/parley-config-test' };
const load = (env: Record<string, string>) => loadConfig({ ...base, ...env }, false);

describe('METRICS_* configuration', () => {
  it('is off without METRICS_PORT or METRICS_TOKEN', () => {
    expect(load({}).metrics).toBeUndefined();
  });

  it('METRICS_PORT alone: a listener of its own on 127.0.0.1, no token', () => {
    expect(load({ METRICS_PORT: '9464' }).metrics).toEqual({
      listener: { port: 9464, host: '127.0.0.1' },
      token: undefined,
    });
    expect(load({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' }).metrics?.listener?.host).toBe('10.0.0.5');
  });

  it('METRICS_TOKEN alone: the main port, behind the token', () => {
    expect(load({ METRICS_TOKEN: TOKEN }).metrics).toEqual({ listener: undefined, token: TOKEN });
  });

  it('refuses a short token, a token with spaces, a host without a port, the public port, and never prints the token', () => {
    const refusals: [Record<string, string>, RegExp][] = [
      [{ METRICS_TOKEN: 'short-token-xyz' }, /METRICS_TOKEN: must be at least 32/],
      [{ METRICS_TOKEN: `${TOKEN} x` }, /METRICS_TOKEN/],
      [{ METRICS_HOST: '0.0.0.0' }, /METRICS_HOST: set METRICS_PORT/],
      [{ PORT: '3000', METRICS_PORT: '3000' }, /METRICS_PORT: must differ from PORT/],
      [{ METRICS_PORT: '70000' }, /METRICS_PORT/],
      [{ JWT_SECRET: TOKEN, METRICS_TOKEN: TOKEN }, /METRICS_TOKEN: must differ from JWT_SECRET/],
    ];
    for (const [env, message] of refusals) {
      let caught: unknown;
      try {
        load(env);
      } catch (error) {
        caught = error;
      }
      expect(caught, JSON.stringify(Object.keys(env))).toBeInstanceOf(ConfigError);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain(TOKEN);
    }
  });

  it('in production, the token must pass the secret rules', () => {
    const production = {
      NODE_ENV: 'production',
      COOKIE_SECURE: 'true',
      JWT_SECRET: 'Zp8-qL2vX9mT4wR7yB1nC6kH3jF5dG0s',
    };
    expect(() => load({ ...production, METRICS_TOKEN: 'a'.repeat(40) })).toThrow(/METRICS_TOKEN/);
    expect(load({ ...production, METRICS_TOKEN: TOKEN }).metrics?.token).toBe(TOKEN);
  });
});
